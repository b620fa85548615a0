import { describe, expect, it } from 'vitest';
import { formatCount, formatUsd } from '../../src/util/format.js';

describe('formatUsd', () => {
  it('shows cents, fractions of a cent, and never a misleading $0.00', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(1.234)).toBe('$1.23');
    expect(formatUsd(0.01)).toBe('$0.01');
    expect(formatUsd(0.0135)).toBe('$0.0135');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.123)).toBe('$0.123');
    expect(formatUsd(0.99996)).toBe('$1.00');
    expect(formatUsd(0.00071)).toBe('$0.0007');
    expect(formatUsd(0.0000135)).toBe('<$0.0001');
  });
});

describe('formatCount', () => {
  it('writes integers exactly as en-US toLocaleString does', () => {
    const xs = [
      0, 7, 12, 999, 1000, 1001, 99_999, 100_000, 1_234_567, 21_214_465, -1, -999, -1000, -12_345_678,
    ];
    for (let d = 1; d <= 15; d++) xs.push(10 ** d - 1, 10 ** d, 3 * 10 ** d + 17);
    for (const x of xs) expect(formatCount(x)).toBe(x.toLocaleString('en-US'));
    expect(formatCount(1234.5)).toBe('1,234.5');
  });
});
