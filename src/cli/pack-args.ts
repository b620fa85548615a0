import { InvalidArgumentError } from 'commander';

/**
 * Whole numbers as people type them: `200000`, `200,000`, `200_000`, `200k`, `1.5m`.
 * Every number a hint suggests must parse here (hints print plain digits). Only safe
 * integers, as the config schema's `int()`: a flag's value is not validated again.
 */
export const int = (min: number) => (v: string) => {
  const m = /^(\d+(?:[,_]\d{3})*(?:\.\d+)?)\s*([km])?$/i.exec(v.trim());
  const n = m
    ? Number(m[1]!.replace(/[,_]/g, '')) * (m[2] ? (m[2].toLowerCase() === 'k' ? 1e3 : 1e6) : 1)
    : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new InvalidArgumentError(`expected a whole number ≥ ${min} (e.g. 200000, 200k)`);
  return n;
};

/** A size in bytes (`1000000`, `500kb`, `2mb`): a safe integer ≥ 1, as the schema's `maxFileSize`. */
export const bytes = (v: string) => {
  const m = /^(\d+)\s*(b|kb?|mb?)?$/i.exec(v.trim());
  const unit = (m?.[2] ?? 'b').toLowerCase()[0];
  const n = m ? Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a size such as 1000000, 500kb or 2mb');
  return n;
};

export const list = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/** `--stdin` paths: one per line (CRLF too), or NUL-separated with -0; blanks dropped. */
export function splitPathList(text: string, nul: boolean): string[] {
  const items = nul ? text.split('\0') : text.split(/\r?\n/);
  return items.filter((p) => p !== '' && (nul || p.trim() !== ''));
}
