import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomicWrite, atomicWriteSync } from '../../src/util/atomic-write.js';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'specloop-aw-'));
}

const modeOf = (f: string) => statSync(f).mode & 0o777;

describe('atomicWrite', () => {
  it('creates parent directories and leaves no temp file behind', async () => {
    const d = dir();
    const f = join(d, 'a', 'b', 'out.txt');
    await atomicWrite(f, 'hello\n');
    expect(readFileSync(f, 'utf8')).toBe('hello\n');
    expect(readdirSync(join(d, 'a', 'b'))).toEqual(['out.txt']);
  });

  it('keeps the mode of a file it replaces (an executable stays executable)', async () => {
    const d = dir();
    const f = join(d, 'run.sh');
    writeFileSync(f, '#!/bin/sh\n');
    chmodSync(f, 0o755);
    await atomicWrite(f, '#!/bin/sh\necho hi\n');
    expect(modeOf(f)).toBe(0o755);
    atomicWriteSync(f, '#!/bin/sh\necho bye\n');
    expect(modeOf(f)).toBe(0o755);
    expect(readFileSync(f, 'utf8')).toBe('#!/bin/sh\necho bye\n');
  });

  it('applies an explicit mode exactly, over the existing one', async () => {
    const d = dir();
    const f = join(d, 'keys.json');
    writeFileSync(f, '{}');
    chmodSync(f, 0o644);
    await atomicWrite(f, '{"a":1}', { mode: 0o600 });
    expect(modeOf(f)).toBe(0o600);
  });

  it('removes its temp file and keeps the old content when the rename fails', async () => {
    const d = dir();
    const target = join(d, 'is-a-dir');
    await atomicWrite(join(target, 'x'), 'x');
    await expect(atomicWrite(target, 'nope')).rejects.toThrow();
    expect(readdirSync(d)).toEqual(['is-a-dir']);
    expect(readFileSync(join(target, 'x'), 'utf8')).toBe('x');
  });
});
