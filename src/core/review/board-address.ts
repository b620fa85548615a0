import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { isLive } from './review-files.js';

/**
 * Where a running `specloop board` of this repository listens, so a run waiting for review
 * can say which page answers it. `.specloop/board/address.json`; the URL never holds the
 * token (a loopback page gets it from the server; another host needs the printed URL).
 */
const file = (root: string) => join(root, '.specloop', 'board', 'address.json');

export interface BoardAddress {
  url: string;
  pid: number;
  host: string;
  /** The board is bound beyond loopback: open the URL `specloop board` printed (it has the token). */
  tokenRequired: boolean;
}

/** Written by `specloop board` when it listens; the returned function removes it again. */
export async function publishBoardAddress(
  root: string,
  a: { url: string; tokenRequired: boolean },
): Promise<() => Promise<void>> {
  const dir = join(root, '.specloop', 'board');
  await mkdir(dir, { recursive: true });
  // The folder ignores itself: never in `git status` or a step commit.
  if (!existsSync(join(dir, '.gitignore'))) await atomicWrite(join(dir, '.gitignore'), '*\n');
  const mine: BoardAddress = { ...a, pid: process.pid, host: hostname() };
  await atomicWrite(file(root), `${JSON.stringify(mine)}\n`);
  return async () => {
    const now = await boardAddress(root);
    if (now?.pid === mine.pid && now.host === mine.host) await rm(file(root), { force: true });
  };
}

/** The live board of this repository, if one runs. */
export async function boardAddress(root: string): Promise<BoardAddress | undefined> {
  try {
    const a = JSON.parse(await readFile(file(root), 'utf8')) as BoardAddress;
    return typeof a.url === 'string' && isLive(a) ? a : undefined;
  } catch {
    return undefined;
  }
}
