import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliResult, runCli } from './cli.js';
import { type FakeLlm, type FakeReply, startFakeLlm } from './fake-llm-server.js';
import { tempDir, writeFiles } from './repo.js';

export const SPEC = `# Word counter

A CLI \`wc2\` that counts words in the files given as arguments and prints one line per file.
Errors: a missing file prints "wc2: cannot read FILE" and exits 1.
`;

/** A temp project with a fake LLM server; `run(args)` runs the CLI in it against the fake. */
export async function planProject(opts: { replies: FakeReply[]; files?: Record<string, string> }): Promise<{
  dir: string;
  fake: FakeLlm;
  run: (args: string[], extra?: { env?: Record<string, string>; stdin?: string }) => Promise<CliResult>;
  read: (file: string) => string | undefined;
  cleanup: () => Promise<void>;
  home: string;
}> {
  const t = tempDir('specloop-plan-');
  const home = tempDir('specloop-home-');
  writeFiles(t.dir, opts.files ?? { 'spec.md': SPEC });
  const fake = await startFakeLlm(opts.replies);
  return {
    dir: t.dir,
    home: home.dir,
    fake,
    run: (args, extra = {}) =>
      runCli(args, {
        cwd: t.dir,
        env: { ...fake.env(), SPECLOOP_HOME: home.dir, ...extra.env },
        stdin: extra.stdin,
      }),
    read: (file) => (existsSync(join(t.dir, file)) ? readFileSync(join(t.dir, file), 'utf8') : undefined),
    cleanup: async () => {
      await fake.close();
      t.cleanup();
      home.cleanup();
    },
  };
}
