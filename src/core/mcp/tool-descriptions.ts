import type { Context } from '../context.js';
import { loadTemplate } from '../templates/index.js';

/**
 * The model-facing description of each tool, one `## name` section each in
 * src/templates/mcp-tools.md (a project can reword them like any template).
 */
export async function toolDescriptions(ctx: Context): Promise<Map<string, string>> {
  const body = (await loadTemplate(ctx, 'mcp-tools')).body;
  const out = new Map<string, string>();
  for (const section of body.split(/^## +/m).slice(1)) {
    const nl = section.indexOf('\n');
    const name = section.slice(0, nl < 0 ? undefined : nl).trim();
    if (name)
      out.set(
        name,
        nl < 0
          ? ''
          : section
              .slice(nl + 1)
              .trim()
              .replace(/\s*\n\s*/g, ' '),
      );
  }
  return out;
}
