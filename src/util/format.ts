/**
 * Dollars for people: cents from a dollar up; below it four decimals, zeros after the cents
 * dropped ($0.0135, $0.50, $0.0007), since one step often costs fractions of a cent;
 * `<$0.0001` below that. Never a misleading `$0.00`.
 */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  // below a dollar, cents alone hide most of a step's cost ($0.0135 is not "$0.01"): four
  // decimals, the zeros after the cents dropped
  if (usd >= 0.0001) return `$${usd.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
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
