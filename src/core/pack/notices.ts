import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepomixConfig } from './repomix-config.js';

/**
 * What to say about a repomix.config.json: which of its settings this pack applies (the
 * selection rules, as for .repomixignore) and which it does not (the rest of [pack] is
 * specloop's own; `specloop init --from-repomix` converts them). Said once per file
 * content: a marker under the cache dir remembers it was said.
 */
export function repomixNotice(
  rc: RepomixConfig,
  applied: string[],
  cacheDir: string | undefined,
): string | undefined {
  if (cacheDir) {
    const key = createHash('sha1').update(rc.file).update('\0').update(JSON.stringify(rc)).digest('hex');
    const marker = join(cacheDir, 'pack', 'notices', key);
    if (existsSync(marker)) return undefined;
    try {
      mkdirSync(join(cacheDir, 'pack', 'notices'), { recursive: true });
      writeFileSync(marker, '');
    } catch {}
  }
  if (rc.error) return `repomix.config.json is not valid JSON (${rc.error}): none of its settings apply`;
  const converted = rc.mapped.filter(([r]) => !applied.includes(r)).map(([r]) => r);
  const parts = [
    applied.length
      ? `applying ${applied.join(' and ')} (as .repomixignore; --no-dot-ignore turns this off)`
      : 'applying none of its settings',
  ];
  if (converted.length)
    parts.push(
      `not applying ${converted.join(', ')}: \`specloop init --from-repomix\` converts them into [pack]`,
    );
  if (rc.unmapped.length) parts.push(`no equivalent for ${rc.unmapped.join(', ')}`);
  return `repomix.config.json found: ${parts.join('; ')}.`;
}
