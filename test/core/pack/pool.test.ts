import { afterEach, describe, expect, it } from 'vitest';
import { prestartWorkers, processFiles } from '../../../src/core/pack/pool.js';
import type { ProcessConfig } from '../../../src/core/pack/process-file.js';
import type { WireBatch } from '../../../src/core/pack/wire.js';
import { tempDir, writeFiles } from '../../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const cfg = (): ProcessConfig => ({
  encoding: 'o200k_base',
  style: 'xml',
  removeComments: false,
  lineNumbers: false,
  removeEmptyLines: false,
  truncateBase64: false,
  securityCheck: true,
  compress: false,
  maxFileSize: 100_000,
  cache: new Map(),
});

function files(n: number): { root: string; paths: string[] } {
  const d = tempDir('specloop-pool-');
  cleanups.push(d.cleanup);
  const paths = Array.from({ length: n }, (_, i) => `f${String(i).padStart(4, '0')}.ts`);
  writeFiles(
    d.dir,
    Object.fromEntries(paths.map((p, i) => [p, `export const v${i} = ${'[1, 2], '.repeat(i % 40)};\n`])),
  );
  return { root: d.dir, paths };
}

async function run(root: string, paths: string[], threads: number) {
  const got = new Map<number, WireBatch>();
  let idle = 0;
  let deliveredAtIdle = -1;
  const r = await processFiles(root, paths, cfg(), {
    threads,
    signal: new AbortController().signal,
    sink: (first, batch) => got.set(first, batch),
    idle: () => {
      idle++;
      deliveredAtIdle = [...got.values()].reduce((a, b) => a + b.outcomes.length, 0);
    },
  });
  const outcomes = [...got].sort((a, b) => a[0] - b[0]).flatMap(([, b]) => b.outcomes);
  return { mode: r.mode, idle, deliveredAtIdle, outcomes };
}

describe('pack pool', () => {
  it('shares the batches between this thread and the workers: every file once, in place', async () => {
    const { root, paths } = files(900);
    const alone = await run(root, paths, 0);
    expect(alone).toMatchObject({ mode: 'in-thread', idle: 0 });
    for (const threads of [1, 2]) {
      const shared = await run(root, paths, threads);
      expect(shared.mode).toBe('threads');
      expect(shared.outcomes.map((o) => o.path)).toEqual(paths);
      expect(shared.outcomes.map((o) => (o.ok ? o.tokens : -1))).toEqual(
        alone.outcomes.map((o) => (o.ok ? o.tokens : -1)),
      );
      // at most once, when this thread ran out of batches before the last outcome came in
      expect(shared.idle).toBeLessThanOrEqual(1);
      if (shared.idle) expect(shared.deliveredAtIdle).toBeLessThan(paths.length);
    }
  });
});

describe('workers started before the file list is known', () => {
  it('are adopted by the pool: the same outcomes as in this thread', async () => {
    const { root, paths } = files(600);
    const alone = await run(root, paths, 0);
    const started = prestartWorkers(cfg(), 1)!;
    expect(started.workers).toHaveLength(1);
    const got = new Map<number, WireBatch>();
    const r = await processFiles(root, paths, cfg(), {
      threads: 1,
      started,
      signal: new AbortController().signal,
      sink: (first, batch) => got.set(first, batch),
    });
    expect(r.mode).toBe('threads');
    const outcomes = [...got].sort((a, b) => a[0] - b[0]).flatMap(([, b]) => b.outcomes);
    expect(outcomes.map((o) => (o.ok ? o.tokens : -1))).toEqual(
      alone.outcomes.map((o) => (o.ok ? o.tokens : -1)),
    );
  });

  it('are stopped when the pack turns out to be one for this thread', async () => {
    const { root, paths } = files(300);
    const started = prestartWorkers(cfg(), 1)!;
    const exited = new Promise<number>((resolve) => started.workers[0]!.w.once('exit', resolve));
    const r = await processFiles(root, paths, cfg(), {
      threads: 0,
      started,
      signal: new AbortController().signal,
      sink: () => {},
    });
    expect(r.mode).toBe('in-thread');
    expect(typeof (await exited)).toBe('number');
  });

  it('hand their batches back to this thread when they died before the pool took them', async () => {
    const { root, paths } = files(400);
    const alone = await run(root, paths, 0);
    const started = prestartWorkers(cfg(), 1)!;
    await started.workers[0]!.w.terminate(); // lost before processFiles listens
    const got = new Map<number, WireBatch>();
    await processFiles(root, paths, cfg(), {
      threads: 1,
      started,
      signal: new AbortController().signal,
      sink: (first, batch) => got.set(first, batch),
    });
    const outcomes = [...got].sort((a, b) => a[0] - b[0]).flatMap(([, b]) => b.outcomes);
    expect(outcomes.map((o) => o.path)).toEqual(paths);
    expect(outcomes.map((o) => (o.ok ? o.tokens : -1))).toEqual(
      alone.outcomes.map((o) => (o.ok ? o.tokens : -1)),
    );
  });
});
