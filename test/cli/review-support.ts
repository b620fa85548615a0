import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildContext } from '../../src/cli/context.js';
import { startBoard } from '../../src/core/board/index.js';
import { answerReview, type PendingReview, type ReviewDecision } from '../../src/core/review/index.js';

/**
 * Helpers for the review-gate tests: find the question a run waits on
 * (`.specloop/review/<plan>/<step>.json`, polled, no fixed sleeps), answer it the way the
 * board does, and start a real board in-process.
 */
export function pendingIn(root: string): PendingReview[] {
  const dir = join(root, '.specloop', 'review');
  if (!existsSync(dir)) return [];
  const out: PendingReview[] = [];
  for (const plan of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()))
    for (const f of readdirSync(join(dir, plan.name)).filter((n) => /^\d+\.json$/.test(n))) {
      try {
        out.push(JSON.parse(readFileSync(join(dir, plan.name, f), 'utf8')) as PendingReview);
      } catch {
        // half-visible during a rename: the next poll reads it
      }
    }
  return out.sort((a, b) => a.step - b.step);
}

/** Wait until step `step` (attempt `attempt`, if given) waits for review; fail after `ms`. */
export async function waitForReview(
  root: string,
  step: number,
  o: { attempt?: number; ms?: number; running?: Promise<unknown> } = {},
): Promise<PendingReview> {
  const deadline = Date.now() + (o.ms ?? 60_000);
  let ended = false;
  void o.running?.then(() => (ended = true));
  while (Date.now() < deadline) {
    const p = pendingIn(root).find(
      (r) => r.step === step && (o.attempt === undefined || r.attempt === o.attempt),
    );
    if (p) return p;
    if (ended) throw new Error(`the run ended before step ${step} waited for review`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(
    `step ${step} never waited for review; waiting: ${JSON.stringify(pendingIn(root).map((p) => [p.step, p.attempt]))}`,
  );
}

/** Answer as the board's button does (the same core call). */
export function answer(root: string, p: PendingReview, decision: ReviewDecision, by = 'board') {
  return answerReview({ root, planId: p.planId, step: p.step, id: p.id, decision, by, now: Date.now() });
}

/** `specloop board` in `dir`, in-process, on a free loopback port. */
export async function boardIn(dir: string, home: string) {
  const io = {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SPECLOOP_HOME: home },
    cwd: dir,
    stdin: process.stdin,
    stdout: { write: () => {}, isTTY: false },
    stderr: { write: () => {}, isTTY: false },
    signal: new AbortController().signal,
  };
  return startBoard(await buildContext(io, {}, 'board'), {
    host: '127.0.0.1',
    port: 0,
    fetchIntervalSec: 60,
  });
}

/** POST a board action with the token, as the page does. */
export async function boardAction(
  board: { url: string; token: string },
  name: string,
  body: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(new URL(`/api/actions/${name}`, board.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-specloop-token': board.token },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
