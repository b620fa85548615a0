import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Resolve template variable values. A value `@path` is replaced by that file's text
 * (relative to `cwd`); `@path?` is the empty string when the file does not exist. Use
 * `@@…` for a literal leading `@`. `@out:FILE` is a file an earlier task wrote: read from
 * the output directory `outDir`, else (older versions, `-o FILE`) from `cwd`.
 */
export async function resolveVariables(
  vars: Record<string, string>,
  cwd: string,
  outDir: string = cwd,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (!value.startsWith('@')) {
      out[name] = value;
      continue;
    }
    if (value.startsWith('@@')) {
      out[name] = value.slice(1);
      continue;
    }
    const optional = value.endsWith('?');
    let file = value.slice(1, optional ? -1 : undefined);
    let dirs = [cwd];
    if (file.startsWith('out:')) {
      file = file.slice(4);
      dirs = [outDir, cwd];
    }
    try {
      out[name] = await firstReadable(dirs.map((d) => resolve(d, file)));
    } catch (err) {
      if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') out[name] = '';
      else
        throw new UsageError(`variable "${name}": cannot read ${file}`, {
          code: 'E_VAR_FILE',
          hint: `create ${file}, or pass -p ${name} <value>`,
        });
    }
  }
  return out;
}

/** The text of the first of `paths` that exists; ENOENT when none does. */
async function firstReadable(paths: string[]): Promise<string> {
  for (const [i, p] of paths.entries()) {
    try {
      return await readFile(p, 'utf8');
    } catch (err) {
      if (i === paths.length - 1 || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw Object.assign(new Error('no path'), { code: 'ENOENT' });
}
