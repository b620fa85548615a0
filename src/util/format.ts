/**
 * Dollars for people: cents when there are any, four decimals for the fractions of a cent
 * that single calls cost ($0.0007), `<$0.0001` below that. Never a misleading `$0.00`.
 */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  if (usd >= 0.0001) return `$${usd.toFixed(4)}`;
  return '<$0.0001';
}

/**
 * An integer as en-US writes it (`21,214,465`), what `toLocaleString('en-US')` gives, without
 * its first call loading the ICU locale data (~50 ms, at the end of every pack). Anything
 * else goes to toLocaleString.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}
