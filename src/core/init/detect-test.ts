import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A detected test command and the file that suggested it. */
export interface DetectedTest {
  command: string;
  /** The file the command was inferred from, e.g. `package.json`. */
  source: string;
}

// What `npm init` writes when there are no tests: not a test command.
const NPM_PLACEHOLDER = /no test specified/;

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function fromPackageJson(dir: string): DetectedTest | undefined {
  const text = readText(join(dir, 'package.json'));
  if (text === undefined) return undefined;
  let test: unknown;
  try {
    test = JSON.parse(text)?.scripts?.test;
  } catch {
    return undefined; // a broken package.json is not ours to report
  }
  if (typeof test !== 'string' || test.trim() === '' || NPM_PLACEHOLDER.test(test)) return undefined;
  // Use the package manager the lockfile says the project uses.
  const runner = existsSync(join(dir, 'pnpm-lock.yaml'))
    ? 'pnpm test'
    : existsSync(join(dir, 'yarn.lock'))
      ? 'yarn test'
      : existsSync(join(dir, 'bun.lock')) || existsSync(join(dir, 'bun.lockb'))
        ? 'bun run test'
        : 'npm test';
  return { command: runner, source: 'package.json' };
}

function fromPyproject(dir: string): DetectedTest | undefined {
  if (!existsSync(join(dir, 'pyproject.toml'))) return undefined;
  if (existsSync(join(dir, 'uv.lock'))) return { command: 'uv run pytest', source: 'pyproject.toml' };
  if (existsSync(join(dir, 'poetry.lock'))) return { command: 'poetry run pytest', source: 'pyproject.toml' };
  return { command: 'pytest', source: 'pyproject.toml' };
}

function fromMakefile(dir: string): DetectedTest | undefined {
  for (const name of ['GNUmakefile', 'makefile', 'Makefile']) {
    const text = readText(join(dir, name));
    // A `test:` rule (not `test := value`, which is a variable).
    if (text !== undefined && /^test\s*:(?!=)/m.test(text)) return { command: 'make test', source: name };
  }
  return undefined;
}

/**
 * Guess the project's test command from the files in `dir`, first match wins:
 * package.json (a real `scripts.test`), pyproject.toml, Cargo.toml, go.mod, a Makefile `test:` target.
 */
export function detectTestCommand(dir: string): DetectedTest | undefined {
  return (
    fromPackageJson(dir) ??
    fromPyproject(dir) ??
    (existsSync(join(dir, 'Cargo.toml')) ? { command: 'cargo test', source: 'Cargo.toml' } : undefined) ??
    (existsSync(join(dir, 'go.mod')) ? { command: 'go test ./...', source: 'go.mod' } : undefined) ??
    fromMakefile(dir)
  );
}
