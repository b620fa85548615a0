import { InvalidArgumentError } from 'commander';

/**
 * Commander argParser for a repeatable, comma-separated list option:
 * `--label a,b --label c` → ['a', 'b', 'c'] (blanks dropped).
 */
export const listOption = (v: string, prev: string[] = []): string[] => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/**
 * Commander argParser for a count: a whole number ≥ 1; `_` and `,` group digits (`200_000`).
 * InvalidArgumentError makes commander name the option in its usage error (exit 2).
 */
export const positiveInt = (v: string): number => {
  const digits = v.replace(/[_,]/g, '');
  if (!/^\d+$/.test(digits) || Number(digits) < 1)
    throw new InvalidArgumentError(`expected a positive whole number, got "${v}"`);
  return Number(digits);
};
