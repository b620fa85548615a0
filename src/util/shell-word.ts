/**
 * `v` as one word (an argument, not the command) of a POSIX shell command line a person can
 * paste: as it is when it holds only characters no shell treats specially, else single-quoted.
 */
export function shellWord(v: unknown): string {
  const s = String(v);
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
