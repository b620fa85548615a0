import { configSchema } from '../config/schema.js';
import { KEY_DOCS, KEY_EXAMPLES, MAP_EXAMPLES, SECTION_DOCS } from './config-docs.js';
import { type KeyInfo, schemaKeys } from './schema-keys.js';

export interface RenderConfigOptions {
  /** The defaults (or effective config) the commented-out values are taken from. */
  defaults: Record<string, unknown>;
  /** Written uncommented as `[models] default`. */
  model: string;
  /** Written uncommented as `[test] command`; commented out with a note when undefined. */
  testCommand?: string;
  /** Where the test command came from (`package.json`, `--test-cmd`), for the comment. */
  testSource?: string;
}

/** A value in TOML syntax. JSON's string escapes are valid TOML basic-string escapes. */
function tomlValue(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) >= 10_000 ? groupDigits(v) : String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  return JSON.stringify(v);
}

const groupDigits = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '_');

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

function keyLine(key: KeyInfo, opts: RenderConfigOptions): string {
  const name = key.path.split('.').pop()!;
  const notes = [
    KEY_DOCS[key.path],
    key.choices ? `one of ${key.choices.map((c) => `"${c}"`).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const comment = notes ? `  # ${notes}` : '';
  if (key.path === 'models.default') return `default = ${tomlValue(opts.model)}${comment}`;
  if (key.path === 'test.command') {
    if (opts.testCommand === undefined)
      return `# command = "npm test"  # not detected: set it before \`specloop run\``;
    return `command = ${tomlValue(opts.testCommand)}  # from ${opts.testSource ?? 'init'}`;
  }
  const value = get(opts.defaults, key.path);
  if (value !== undefined) return `# ${name} = ${tomlValue(value)}${comment}`;
  // No default: show an example (marked as such) rather than a placeholder that would not parse.
  const example = KEY_EXAMPLES[key.path];
  return example === undefined
    ? `# ${name} =${comment}`
    : `# ${name} = ${tomlValue(example)}  # example; ${notes || 'unset by default'}`;
}

/**
 * The commented specloop.toml `specloop init` writes: every section and key of the schema,
 * defaults commented out (so later default changes reach the user), only the model and
 * the test command set. Generated from the schema, so a new key shows up automatically.
 */
export function renderConfigToml(opts: RenderConfigOptions): string {
  const keys = schemaKeys(configSchema);
  const lines: string[] = [
    '# specloop configuration for this project (reference: docs/config.md in the specloop repository).',
    '# Layering: built-in defaults < ~/.config/specloop/config.toml < this file < env < flags.',
    '# Lines starting with "# key =" show the default; uncomment to change it.',
    '',
  ];
  // TOML: top-level values must come before the first [table].
  for (const k of keys.filter((k) => !k.path.includes('.') && k.kind === 'value'))
    lines.push(keyLine(k, opts));
  for (const k of keys) {
    if (k.kind === 'value') continue;
    // Tables that only contain tables (e.g. [providers]) get no header of their own.
    const children = keys.filter(
      (c) => c.path.startsWith(`${k.path}.`) && c.path.split('.').length === k.path.split('.').length + 1,
    );
    if (k.kind === 'object' && children.every((c) => c.kind !== 'value')) continue;
    lines.push('');
    if (SECTION_DOCS[k.path]) lines.push(`# ${SECTION_DOCS[k.path]}`);
    if (k.kind === 'map') {
      const example = MAP_EXAMPLES[k.path] ?? [`[${k.path}.name]`];
      // A commented example only: an empty [table] header would add nothing.
      lines.push(...example.map((l) => `# ${l}`));
      continue;
    }
    lines.push(`[${k.path}]`);
    for (const c of children) if (c.kind === 'value') lines.push(keyLine(c, opts));
  }
  return `${lines.join('\n')}\n`;
}
