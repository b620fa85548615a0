import { parseDocument } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';

/** Variable names: what `{{name}}` and `-p name value` accept. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const frontMatterSchema = z
  .object({
    description: z.string().optional(),
    system: z.string().optional(),
    model: z
      .string()
      .regex(/^[a-z][a-z0-9-]*:.+$/, 'must be "provider:model", e.g. "openai:gpt-4o-mini"')
      .optional(),
    role: z.enum(['default', 'brainstorm', 'plan', 'code']).optional(),
    variables: z
      .array(z.string().regex(VARIABLE_NAME, 'must be a name like "lang" or "file_name"'))
      .default([]),
    internal: z.boolean().default(false),
  })
  .strict();

export type FrontMatter = z.infer<typeof frontMatterSchema>;

// `---` on the first line, YAML, then a line that is exactly `---` (or YAML's `...`).
const FENCE = /^---[ \t]*\r?\n([\s\S]*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;

function bad(file: string, what: string): UsageError {
  return new UsageError(`invalid template ${file}: ${what}`, {
    code: 'E_TEMPLATE',
    hint: 'front-matter keys: description, system, model, role, variables (a list of names), internal',
  });
}

/**
 * Split a template file into validated front-matter and body. A file without a leading
 * `---` line is all body. Unknown keys are errors (a typo must not be silently ignored).
 */
export function parseTemplateText(text: string, file: string): { meta: FrontMatter; body: string } {
  // A run reads the same few templates for every step: the file is read each time (an edit
  // counts at once), its parse is remembered by text. Errors are not (they name the file).
  const hit = parsed.get(text);
  if (hit) return { meta: structuredClone(hit.meta), body: hit.body };
  const r = parseFresh(text, file);
  if (parsed.size >= 32) parsed.delete(parsed.keys().next().value as string);
  parsed.set(text, r);
  return { meta: structuredClone(r.meta), body: r.body };
}

const parsed = new Map<string, { meta: FrontMatter; body: string }>();

function parseFresh(text: string, file: string): { meta: FrontMatter; body: string } {
  const src = text.replace(/^\uFEFF/, '');
  let raw: unknown = {};
  let body = src;
  if (/^---[ \t]*\r?\n/.test(src)) {
    // The opening fence is at index 0, so a match (if any) starts there.
    const m = FENCE.exec(src);
    if (!m) throw bad(file, 'front-matter starts with `---` but has no closing `---` line');
    body = src.slice(m[0].length);
    const doc = parseDocument(m[1] ?? '', { prettyErrors: false });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      // +1: the opening fence is line 1 of the file.
      const line = e.linePos?.[0]?.line;
      throw bad(file, `YAML ${line ? `line ${line + 1}: ` : ''}${e.message.split('\n')[0]}`);
    }
    raw = doc.toJS() ?? {};
    if (typeof raw !== 'object' || Array.isArray(raw)) throw bad(file, 'front-matter must be a YAML mapping');
  }
  const res = frontMatterSchema.safeParse(raw);
  if (!res.success) {
    const issues = res.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys')
        return `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`;
      return `${i.path.join('.') || '(front-matter)'}: ${i.message}`;
    });
    throw bad(file, issues.join('; '));
  }
  // Blank lines around the body are layout, not prompt.
  return { meta: res.data, body: body.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd() };
}
