import { hostname } from 'node:os';
import type { Context } from '../context.js';
import { tryGit } from '../git/index.js';

export { pidAlive } from '../run/index.js';

/** Who is claiming: a name for people to read, plus where the process runs. */
export interface Identity {
  name: string;
  host: string;
  pid: number;
}

/** Name: explicit > config `team.name` > git `user.name` > $USER > "someone". */
export async function resolveIdentity(ctx: Context, repo: string, name?: string): Promise<Identity> {
  let who = name ?? ctx.config.team.name;
  if (!who) {
    const r = await tryGit(repo, ['config', 'user.name'], { env: ctx.env });
    who = r.ok ? r.stdout.trim() : undefined;
  }
  who ||= ctx.env.USER || ctx.env.USERNAME || 'someone';
  return { name: who, host: hostname(), pid: process.pid };
}
