import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/util/format.js';

describe('formatUsd', () => {
  it('shows cents, fractions of a cent, and never a misleading $0.00', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(1.234)).toBe('$1.23');
    expect(formatUsd(0.01)).toBe('$0.01');
    expect(formatUsd(0.00071)).toBe('$0.0007');
    expect(formatUsd(0.0000135)).toBe('<$0.0001');
  });
});
