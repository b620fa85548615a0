import { describe, expect, it } from 'vitest';
import { findFocus, requestTerms } from '../../../src/core/change/index.js';
import { isConventionalTestFile } from '../../../src/core/testfiles/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { writeFiles } from '../../support/repo.js';

describe('requestTerms', () => {
  it('takes paths and code-like symbols, not plain words', () => {
    expect(
      requestTerms('Make `parseArgs` in src/cli.ts reject --foo; update split_words() and Config too'),
    ).toEqual({
      paths: ['src/cli.ts'],
      symbols: ['parseArgs', 'split_words'],
    });
  });
});

describe('findFocus', () => {
  const cleanups = useCleanups();

  it('ranks the defining file, its tests and its neighbours, and skips re-exports', async () => {
    const root = cleanups.tmp();
    const files = {
      'src/index.ts': "export { loadConfig } from './config.js';\n",
      'src/config.ts':
        "import { readToml } from './toml.js';\nexport function loadConfig() { return readToml(); }\n",
      'src/toml.ts': 'export function readToml() { return {}; }\n',
      'src/cli.ts': "import { loadConfig } from './config.js';\nloadConfig();\n",
      'test/config.test.ts': "import { loadConfig } from '../src/config.js';\n",
      'test/other.test.ts': "import { x } from '../src/index.js';\n",
      'README.md': 'loadConfig docs\n',
    };
    writeFiles(root, files);
    const f = await findFocus({
      root,
      files: Object.keys(files),
      terms: requestTerms('make loadConfig report the file name on errors'),
      isTestFile: isConventionalTestFile,
    });
    expect(f.files).toEqual([
      'src/config.ts',
      'test/config.test.ts',
      'src/toml.ts',
      'src/index.ts',
      'src/cli.ts',
    ]);
    expect(f.reasons['src/index.ts']).toBe('imports src/config.ts'); // a re-export does not define it
    expect(f.reasons['test/config.test.ts']).toBe('tests src/config.ts');
    expect(f.reasons['src/cli.ts']).toBe('imports src/config.ts');
  });
});
