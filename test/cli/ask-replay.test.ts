import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/repo.js';

const cleanups = useCleanups();

describe('specloop ask with --llm-record / --llm-replay', () => {
  it('records a template call, then replays it with no server and no key (paths relative to -C)', async () => {
    const fake = await cleanups.fakeLlm(['short summary']);
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'session.jsonl');
    const rec = await runCli(['-C', t.dir, '--llm-record', 'session.jsonl', 'ask', '-t', 'summarize'], {
      cwd: '/',
      stdin: 'a long text',
      env: { SPECLOOP_HOME: t.dir, ...fake.env() },
    });
    expect(rec.code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('test-key');
    await fake.close();
    const replay = await runCli(['--llm-replay', 'session.jsonl', 'ask', '-t', 'summarize'], {
      cwd: t.dir,
      stdin: 'a long text',
      env: { SPECLOOP_HOME: t.dir, SPECLOOP_MODEL: 'openai:gpt-4o-mini' },
    });
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe('short summary\n');
  });

  it('a request the recording lacks exits 2 printing it', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'empty.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, '');
    const r = await runCli(['--llm-replay', file, 'ask', 'unrecorded question'], {
      cwd: t.dir,
      env: { SPECLOOP_HOME: t.dir },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no answer for this request');
    expect(r.stderr).toContain('unrecorded question');
  });
});
