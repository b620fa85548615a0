import { createHash } from 'node:crypto';

/**
 * Git's object id of a blob holding `buf` (what `git hash-object` prints): the hash of
 * `blob <size>\0<content>`, SHA-1 unless the repository uses SHA-256. Pure: no git process,
 * and light enough for the pack workers to import on its own.
 */
export function blobId(buf: Buffer, algo: 'sha1' | 'sha256' = 'sha1'): string {
  return createHash(algo).update(`blob ${buf.length}\0`).update(buf).digest('hex');
}
