import type { z } from 'zod';

/** What the config generator and docs need to know about one key of the schema. */
export interface KeyInfo {
  /** Dotted path, e.g. `pack.style`. */
  path: string;
  kind: 'object' | 'map' | 'value';
  /** True when the key has no default (absent unless set). */
  optional: boolean;
  /** Allowed values of an enum key. */
  choices?: string[];
}

// zod 4 keeps a schema's structure in `_zod.def`; wrappers (default/prefault/optional/nullable)
// have an innerType.
interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  entries?: Record<string, string>;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The wrappers looked through to a key's own type. One missing here turns a whole section
 * wrapped in it into a single value, and init renders `# test = {...}` instead of `[test]`.
 */
const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable']);

function unwrap(s: z.ZodType): { def: Def; optional: boolean } {
  let def = defOf(s);
  let optional = false;
  while (WRAPPERS.has(def.type) && def.innerType) {
    if (def.type === 'optional') optional = true;
    def = defOf(def.innerType);
  }
  return { def, optional };
}

/**
 * Every key of an object schema, depth first, in declaration order. Objects recurse;
 * records (user-named maps such as `tasks`) are reported as `map` and not entered.
 */
export function schemaKeys(schema: z.ZodType, prefix = ''): KeyInfo[] {
  const { def } = unwrap(schema);
  const out: KeyInfo[] = [];
  for (const [key, child] of Object.entries(def.shape ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const u = unwrap(child);
    if (u.def.type === 'object') {
      out.push({ path, kind: 'object', optional: u.optional });
      out.push(...schemaKeys(child, path));
    } else if (u.def.type === 'record') {
      out.push({ path, kind: 'map', optional: u.optional });
    } else {
      const choices = u.def.type === 'enum' && u.def.entries ? Object.values(u.def.entries) : undefined;
      out.push({ path, kind: 'value', optional: u.optional, ...(choices ? { choices } : {}) });
    }
  }
  return out;
}
