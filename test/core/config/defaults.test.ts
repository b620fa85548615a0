import { describe, expect, it } from 'vitest';
import { defaultConfig, PACK_KEYS } from '../../../src/core/config/defaults.js';
import { configSchema, packSchema } from '../../../src/core/config/schema.js';

/** defaults.ts is the schema's facts as plain data (no zod): it must say what the schema says. */
describe('config defaults without the schema', () => {
  it('defaultConfig() is what the schema gives for an empty config', () => {
    expect(defaultConfig()).toStrictEqual(configSchema.parse({}));
  });

  it('each section is what the schema gives for an empty table (its keys’ own defaults)', () => {
    const d = defaultConfig() as unknown as Record<string, unknown>;
    const sections = Object.keys(d).filter((k) => typeof d[k] === 'object');
    expect(sections.length).toBeGreaterThan(10);
    const parsed = configSchema.parse(Object.fromEntries(sections.map((k) => [k, {}])));
    expect(parsed).toStrictEqual(d);
  });

  it('PACK_KEYS are the [pack] table’s keys, in order', () => {
    expect([...PACK_KEYS]).toEqual(Object.keys(packSchema.shape));
  });

  it('two parses of an empty config share no array (each table is built from its keys)', () => {
    const a = configSchema.parse({});
    a.test.files.push('x');
    a.pack.include.push('x');
    a.team.linkIgnored.push('x');
    a.github.labels.push('x');
    const b = configSchema.parse({});
    expect([b.test.files, b.pack.include, b.github.labels]).toEqual([[], [], []]);
    expect(b.team.linkIgnored).toEqual(['node_modules', '.venv', 'venv']);
  });

  it('each call is a fresh copy', () => {
    const a = defaultConfig();
    a.pack.include.push('x');
    a.models.default = 'changed';
    expect(defaultConfig().pack.include).toEqual([]);
    expect(defaultConfig().models.default).toBe('openai:gpt-4o-mini');
  });
});
