import { basename } from 'node:path';
import type { FaultHooks } from '../context.js';
import { WorkError } from '../errors.js';

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Run a write of specloop's own (journal, todo tick, lock) and turn a full disk or a
 * read-only file system into a WorkError that names the file and says what to do —
 * never an "internal error". The atomic write left the old file intact, so nothing is lost.
 */
export async function guardWrite<T>(file: string, write: () => Promise<T>, faults?: FaultHooks): Promise<T> {
  try {
    faults?.at(`write:${basename(file)}`); // an injected ENOSPC throws here, like the real write would
    return await write();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (NO_SPACE.has(code))
      throw new WorkError(`no space left on the device while writing ${file}`, {
        code: 'E_NO_SPACE',
        hint: `free some space (df -h ${file}) and run \`specloop run\` again: the file is unchanged and no step was lost`,
        cause: err,
      });
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
      throw new WorkError(`cannot write ${file} (${code})`, {
        code: 'E_WRITE',
        hint: 'check the permissions of the repository and its .specloop/ directory, then run again',
        cause: err,
      });
    if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST')
      throw new WorkError(
        `cannot write ${file}: something that is not a plain file is in the way (${code})`,
        {
          code: 'E_WRITE',
          hint: `move it aside (it is specloop's machine state; .specloop/ can be rebuilt from git) and run again`,
          cause: err,
        },
      );
    throw err;
  }
}
