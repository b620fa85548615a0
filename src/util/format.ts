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
