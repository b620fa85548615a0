import { existsSync } from 'node:fs';
import { join } from 'node:path';

// Words that carry no meaning in a file name.
const FILLER = new Set([
  'a',
  'an',
  'the',
  'to',
  'of',
  'for',
  'and',
  'in',
  'on',
  'so',
  'that',
  'it',
  'be',
  'is',
  'with',
]);

/** "Add a `--dry-run` flag to the CLI" → "add-dry-run-flag-cli" (at most six words, 48 chars). */
export function slugFor(request: string): string {
  const words = request
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .split(' ')
    .filter((w) => w && !FILLER.has(w));
  const slug = words.slice(0, 6).join('-').slice(0, 48).replace(/-+$/, '');
  return slug || 'change';
}

/** `changes/<slug>.md`, or `<slug>-2.md`, `-3` … when taken (a new plan never replaces an old one). */
export function freeSlug(dir: string, slug: string): string {
  if (!existsSync(join(dir, `${slug}.md`))) return slug;
  for (let n = 2; ; n++) if (!existsSync(join(dir, `${slug}-${n}.md`))) return `${slug}-${n}`;
}
