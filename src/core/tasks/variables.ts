import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Resolve template variable values. A value `@path` is replaced by that file's text
 * (relative to `cwd`); `@path?` is the empty string when the file does not exist. Use
 * `@@…` for a literal leading `@`.
 */
export async function resolveVariables(
  vars: Record<string, string>,
  cwd: string,
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
    const file = value.slice(1, optional ? -1 : undefined);
    try {
      out[name] = await readFile(resolve(cwd, file), 'utf8');
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
