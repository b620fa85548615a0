import { describe, expect, it } from 'vitest';
import { RwLock } from '../../../src/core/team/mutex.js';

/** A task that records when it starts and ends, and finishes when told to. */
function task(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return {
    finish,
    fn: async () => {
      log.push(`${name}+`);
      await done;
      log.push(`${name}-`);
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('RwLock', () => {
  it('shared holders run together; an exclusive one waits for them and runs alone', async () => {
    const lock = new RwLock();
    const log: string[] = [];
    const [a, b, w, c] = [task(log, 'a'), task(log, 'b'), task(log, 'w'), task(log, 'c')];
    const all = [lock.shared(a.fn), lock.shared(b.fn), lock.exclusive(w.fn), lock.shared(c.fn)];
    await tick();
    expect(log).toEqual(['a+', 'b+']);
    a.finish();
    await tick();
    expect(log).toEqual(['a+', 'b+', 'a-']); // the writer still waits for b
    b.finish();
    await tick();
    expect(log).toEqual(['a+', 'b+', 'a-', 'b-', 'w+']); // c came after the writer: it waits (FIFO)
    w.finish();
    await tick();
    expect(log.slice(-2)).toEqual(['w-', 'c+']);
    c.finish();
    await Promise.all(all);
  });

  it('a failing holder releases the lock', async () => {
    const lock = new RwLock();
    await expect(lock.exclusive(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.shared(async () => 'next')).toBe('next');
  });
});
