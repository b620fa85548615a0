/** `v` as one word of a POSIX shell command line a person can paste (quoted only when needed). */
export function shellWord(v: unknown): string {
  const s = String(v);
  return /^[\w./:@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
