import { UsageError } from '../errors.js';
import type { Template } from './types.js';

// `{{ name }}`, whitespace-tolerant. A backslash before the braces (`\{{name}}`) keeps them literal.
const PLACEHOLDER = /(\\?)\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;

/** Names used as `{{name}}` in `text`, in order of first use. */
export function usedVariables(text: string | undefined): string[] {
  const out = new Set<string>();
  for (const m of (text ?? '').matchAll(PLACEHOLDER)) if (!m[1]) out.add(m[2]!);
  return [...out];
}

/** Every variable a template needs: declared ones plus every `{{x}}` in body and system. */
export function requiredVariables(t: Pick<Template, 'variables' | 'body' | 'system'>): string[] {
  return [...new Set([...t.variables, ...usedVariables(t.body), ...usedVariables(t.system)])];
}

// One pass, so a value that itself contains `{{x}}` is inserted verbatim, never re-expanded.
function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, escaped: string, name: string) =>
    escaped ? whole.slice(1) : (vars[name] ?? whole),
  );
}

/**
 * Fill a template's `{{name}}` placeholders from `vars` (`input` = stdin).
 * Throws a UsageError naming every missing variable. When the template never uses
 * `{{input}}` but input is given, the input is appended after the body (as `llm` does),
 * so `cat file | specloop ask -t explain` works with any template.
 */
export function renderTemplate(
  t: Pick<Template, 'name' | 'variables' | 'body' | 'system'>,
  vars: Record<string, string>,
): { system?: string; prompt: string } {
  const required = requiredVariables(t);
  // Empty stdin counts as no input: a prompt about nothing is a mistake, not a request.
  const has = (name: string) => vars[name] !== undefined && (name !== 'input' || vars[name].trim() !== '');
  const missing = required.filter((n) => !has(n));
  if (missing.length > 0) {
    const named = missing.filter((n) => n !== 'input');
    const hints = [
      ...(missing.includes('input')
        ? [`pipe the input on stdin, e.g. \`cat file | specloop ask -t ${t.name}\``]
        : []),
      ...(named.length > 0 ? [`pass ${named.map((n) => `-p ${n} value`).join(' ')}`] : []),
    ];
    throw new UsageError(
      `template "${t.name}" needs ${missing.length === 1 ? 'variable' : 'variables'}: ${missing.join(', ')}`,
      { code: 'E_TEMPLATE_VARS', hint: hints.join('; ') },
    );
  }
  let prompt = substitute(t.body, vars);
  const input = vars.input;
  if (!required.includes('input') && input !== undefined && input.trim() !== '') {
    prompt = prompt.trim() === '' ? input : `${prompt}\n\n${input}`;
  }
  const system = t.system === undefined ? undefined : substitute(t.system, vars);
  return system === undefined ? { prompt } : { system, prompt };
}
