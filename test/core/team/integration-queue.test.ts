import { describe, expect, it } from 'vitest';
import type { Prepared } from '../../../src/core/team/integration-commit.js';
import { IntegrationQueue, landThroughQueue } from '../../../src/core/team/integration-queue.js';

/**
 * The queue's speculation, with the branch, the preparation and the publish played by
 * plain functions: what each landing was prepared on, what was published, in which order.
 */
function branch(start: string) {
  let tip = start;
  const published: string[] = [];
  return {
    published,
    tip: () => tip,
    publish: async (commit: string, expected: string, delayMs = 0) => {
      await new Promise((r) => setTimeout(r, delayMs));
      if (tip !== expected) return false;
      tip = commit;
      published.push(commit);
      return true;
    },
    /** A teammate lands meanwhile. */
    move: (to: string) => {
      tip = to;
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

function landing(
  q: IntegrationQueue,
  b: ReturnType<typeof branch>,
  name: string,
  o: { red?: boolean; publishDelayMs?: number; log: string[] },
) {
  let n = 0;
  return landThroughQueue({
    queue: q,
    branch: 'main',
    step: 1,
    currentTip: async () => b.tip(),
    publish: (commit, expected) => {
      o.log.push(`${name} publish ${commit} on ${expected}`);
      return b.publish(commit, expected, o.publishDelayMs);
    },
    prepare: async (tip, built): Promise<Prepared> => {
      n += 1;
      const commit = `${name}${n}`;
      o.log.push(`${name} prepare on ${tip}`);
      built(commit);
      await tick(); // its tests
      return o.red ? { kind: 'red', output: 'red' } : { kind: 'ready', commit, head: `${name}-head` };
    },
    discard: async () => void o.log.push(`${name} discard`),
    onLostRace: (tip) => o.log.push(`${name} lost the race on ${tip}`),
  });
}

describe('the integration queue: one publish at a time, each on the tip it was tested on', () => {
  it('a landing prepares on the commit the one ahead built, beside its tests, and publishes after it', async () => {
    const b = branch('T');
    const q = new IntegrationQueue();
    const log: string[] = [];
    const [a, c] = await Promise.all([
      landing(q, b, 'A', { log, publishDelayMs: 30 }),
      landing(q, b, 'B', { log }),
    ]);
    expect(a).toMatchObject({ kind: 'landed', commit: 'A1', tip: 'T' });
    expect(c).toMatchObject({ kind: 'landed', commit: 'B1', tip: 'A1' });
    expect(b.published).toEqual(['A1', 'B1']);
    // B was prepared on A's commit before A had published it.
    expect(log.indexOf('B prepare on A1')).toBeLessThan(log.indexOf('A publish A1 on T'));
    expect(log.filter((l) => l.includes('lost the race') || l.includes('discard'))).toEqual([]);
  });

  it('when the one ahead publishes nothing (red), the next is undone and prepared again on the real tip', async () => {
    const b = branch('T');
    const q = new IntegrationQueue();
    const log: string[] = [];
    const [a, c] = await Promise.all([landing(q, b, 'A', { log, red: true }), landing(q, b, 'B', { log })]);
    expect(a).toMatchObject({ kind: 'red', tip: 'T' });
    expect(c).toMatchObject({ kind: 'landed', commit: 'B2', tip: 'T' });
    expect(b.published).toEqual(['B2']);
    expect(log.filter((l) => l.startsWith('B'))).toEqual([
      'B prepare on A1',
      'B discard',
      'B prepare on T',
      'B publish B2 on T',
    ]);
  });

  it('when the one ahead loses a race and lands something else, the next goes again on what it landed', async () => {
    const b = branch('T');
    const q = new IntegrationQueue();
    const log: string[] = [];
    let n = 0;
    const first = landThroughQueue({
      queue: q,
      branch: 'main',
      step: 1,
      currentTip: async () => b.tip(),
      publish: (commit, expected) => {
        log.push(`A publish ${commit} on ${expected}`);
        return b.publish(commit, expected);
      },
      prepare: async (tip, built) => {
        n += 1;
        log.push(`A prepare on ${tip}`);
        built(`A${n}`);
        if (n === 1) b.move('X'); // a teammate lands while A's tests run
        await tick();
        return { kind: 'ready', commit: `A${n}`, head: 'A-head' };
      },
      onLostRace: (tip) => log.push(`A lost the race on ${tip}`),
    });
    const [a, c] = await Promise.all([first, landing(q, b, 'B', { log })]);
    expect(a).toMatchObject({ kind: 'landed', commit: 'A2', tip: 'X' });
    expect(c).toMatchObject({ kind: 'landed', commit: 'B2', tip: 'A2' });
    expect(b.published).toEqual(['A2', 'B2']);
    expect(log.filter((l) => l.startsWith('A'))).toEqual([
      'A prepare on T',
      'A publish A1 on T',
      'A lost the race on T',
      'A prepare on X',
      'A publish A2 on X',
    ]);
    expect(log.filter((l) => l.startsWith('B'))).toEqual([
      'B prepare on A1',
      'B discard',
      'B prepare on A2',
      'B publish B2 on A2',
    ]);
  });
});
