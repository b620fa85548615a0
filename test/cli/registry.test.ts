import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/app.js';
import { buildProgram } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/registry.js';

const io: CliIO = {
  env: {},
  cwd: process.cwd(),
  stdin: Readable.from([]),
  stdout: { write: () => {}, isTTY: false },
  stderr: { write: () => {}, isTTY: false },
  signal: new AbortController().signal,
};

const registered = async (argv?: string[]) =>
  (await buildProgram(io, argv)).program.commands.map((c) => c.name());

/** Command modules load lazily (registry.ts): a run registers only the command it names. */
describe('command registry', () => {
  it('each module registers the command it is listed as, in help order', async () => {
    expect(await registered()).toEqual(COMMANDS.map((c) => c.name));
  });

  it('a named command is registered alone, past the global options', async () => {
    expect(await registered(['pack', '--stdout'])).toEqual(['pack']);
    expect(await registered(['-C', 'pack', '-v', '--no-color', 'status'])).toEqual(['status']);
    expect(await registered(['--llm-replay', 'f.jsonl', 'team', 'status'])).toEqual(['team']);
  });

  it('everything else gets every command: help, typos, options it cannot place, completion', async () => {
    const all = COMMANDS.map((c) => c.name);
    for (const argv of [
      [],
      ['--help'],
      ['help', 'pack'],
      ['pakc'],
      ['--cwd=x', 'pack'],
      ['-vC', 'x', 'pack'],
      ['--', 'pack'],
      ['completion', 'bash'],
    ])
      expect(await registered(argv), argv.join(' ')).toEqual(all);
  });
});
