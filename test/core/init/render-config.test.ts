import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { configSchema, makeConfig } from '../../../src/core/config/index.js';
import { renderConfigToml, schemaKeys } from '../../../src/core/init/index.js';

const defaults = makeConfig({}) as unknown as Record<string, unknown>;
const render = (testCommand?: string) =>
  renderConfigToml({ defaults, model: 'anthropic:claude-sonnet-4-5', testCommand, testSource: 'go.mod' });

describe('renderConfigToml', () => {
  it('parses and validates as written, with the model and test command set', () => {
    const parsed = parse(render('go test ./...'));
    const config = configSchema.parse(parsed);
    expect(config.models.default).toBe('anthropic:claude-sonnet-4-5');
    expect(config.test.command).toBe('go test ./...');
    expect(config).toEqual(
      makeConfig({ models: { default: 'anthropic:claude-sonnet-4-5' }, test: { command: 'go test ./...' } }),
    );
  });

  it('comments the test command out with a note when none was detected', () => {
    const text = render(undefined);
    expect(text).toMatch(/^# command = "npm test"\s+# not detected/m);
    expect(configSchema.parse(parse(text)).test.command).toBeUndefined();
  });

  it('mentions every key of the schema', () => {
    const text = render('make test');
    for (const k of schemaKeys(configSchema)) {
      const last = k.path.split('.').pop()!;
      if (k.kind === 'object') continue;
      expect(text, k.path).toMatch(
        k.kind === 'map' ? new RegExp(`\\[${k.path.replace('.', '\\.')}[.\\]]`) : new RegExp(`\\b${last} =`),
      );
    }
  });

  it('still validates when every commented key line is uncommented', () => {
    // Uncomment "# key = value" lines only (not prose, not map examples under a commented header).
    const lines = render('make test').split('\n');
    let inMapExample = false;
    const out = lines.map((l) => {
      if (/^# \[/.test(l)) inMapExample = true;
      else if (/^\[/.test(l)) inMapExample = false;
      return !inMapExample && /^# [A-Za-z]+ = /.test(l) && !/^# command = /.test(l) ? l.slice(2) : l;
    });
    expect(() => configSchema.parse(parse(out.join('\n')))).not.toThrow();
  });

  it('has a valid example for every user-named map', () => {
    const text = render('make test')
      .split('\n')
      .map((l) => (/^# (\[|[A-Za-z"]+.* = )/.test(l) && !/^# command = /.test(l) ? l.slice(2) : l))
      .join('\n');
    const config = configSchema.parse(parse(text));
    expect(Object.keys(config.tasks)).toEqual(['api-review']);
    expect(Object.keys(config.providers.compatible)).toEqual(['local']);
    expect(Object.keys(config.prices)).toEqual(['openai:gpt-4o-mini']);
  });

  it('docs/config.md documents every key of the schema', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../docs/config.md', import.meta.url)), 'utf8');
    for (const k of schemaKeys(configSchema)) {
      if (k.kind === 'object') continue;
      const names = k.kind === 'map' ? [`\`[${k.path}`] : [`\`${k.path.split('.').pop()}\``, `\`${k.path}\``];
      expect(
        names.some((n) => doc.includes(n)),
        k.path,
      ).toBe(true);
    }
  });
});
