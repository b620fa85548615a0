/** A fence longer than any backtick run in `text`, so the block cannot end early. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`{3,}/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * Models like to wrap a whole document in ```markdown … ```: the inside when `text` is
 * one such block (surrounding white space allowed), else `text` unchanged.
 */
export function unwrapFence(text: string): string {
  const m = /^\s*(`{3,}|~{3,})(?:markdown|md)?[ \t]*\r?\n([\s\S]*?)\r?\n\1\s*$/i.exec(text);
  return m ? m[2]! : text;
}
