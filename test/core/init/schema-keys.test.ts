import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { schemaKeys } from '../../../src/core/init/index.js';

describe('schemaKeys', () => {
  it('looks through every default wrapper to the section inside', () => {
    const section = () => z.object({ n: z.number().default(1), s: z.string().optional() }).strict();
    const schema = z.object({
      a: section().default({ n: 1 }),
      b: section().prefault({}),
      c: section().optional(),
      d: section().nullable(),
    });
    const keys = schemaKeys(schema).map((k) => `${k.path}:${k.kind}${k.optional ? '?' : ''}`);
    expect(keys).toEqual([
      'a:object',
      'a.n:value',
      'a.s:value?',
      'b:object',
      'b.n:value',
      'b.s:value?',
      'c:object?',
      'c.n:value',
      'c.s:value?',
      'd:object',
      'd.n:value',
      'd.s:value?',
    ]);
  });

  it('reports records as maps and enums with their choices', () => {
    const schema = z.object({
      m: z.record(z.string(), z.string()).default({}),
      e: z.enum(['x', 'y']).prefault('x'),
    });
    expect(schemaKeys(schema)).toEqual([
      { path: 'm', kind: 'map', optional: false },
      { path: 'e', kind: 'value', optional: false, choices: ['x', 'y'] },
    ]);
  });
});
