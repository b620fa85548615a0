import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodeCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { encode as encodeO200k } from 'gpt-tokenizer/encoding/o200k_base';

const asText = { disallowedSpecial: new Set<string>() };

/** The reference count: gpt-tokenizer's own `encode`, special tokens as text. */
export function referenceTokens(text: string, encoding: 'o200k_base' | 'cl100k_base' = 'o200k_base'): number {
  return (encoding === 'o200k_base' ? encodeO200k : encodeCl100k)(text, asText).length;
}

/** A secret AWS access key line secretlint flags (random-looking, not the docs' example key). */
export const AWS_SECRET_LINE = 'const aws_secret_access_key = "Zp8vQ2mX7rT1kL9sN4bW6yH3jF0cD5gA2eR8uI7o";\n';

/** A real (freshly generated) RSA private key block. */
export function privateKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return privateKey;
}

/** Bytes that are binary by content (NUL bytes), whatever the file is called. */
export const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3, 0, 0, 0, 255, 254]);

/** Latin-1 text that is not valid UTF-8. */
export const LATIN1 = Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e\n', 'latin1');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Real text nobody here wrote, for exactness checks: files from installed packages
 * (TypeScript's lib .d.ts, READMEs, JS in several styles), deterministic selection.
 */
export function realTexts(limit = 120, maxBytes = 600_000): { path: string; text: string }[] {
  const picks: { path: string; text: string }[] = [];
  const dirs = [
    'typescript/lib/ja',
    'typescript/lib/zh-cn',
    'typescript/lib/ru',
    'typescript/lib',
    'zod/v4/core',
    'commander/lib',
    'yaml/dist',
    'picocolors',
    'smol-toml/dist',
    'ignore',
    'ai/dist',
  ];
  for (const d of dirs) {
    const abs = join(ROOT, 'node_modules', d);
    let names: string[] = [];
    try {
      names = readdirSync(abs).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const p = join(abs, n);
      try {
        if (!statSync(p).isFile() || statSync(p).size > maxBytes) continue;
      } catch {
        continue;
      }
      if (!/\.(ts|js|mjs|cjs|md|json)$/.test(n)) continue;
      picks.push({ path: `${d}/${n}`, text: readFileSync(p, 'utf8') });
      if (picks.length >= limit) return picks;
    }
  }
  return picks;
}

/** A small repo with one of everything pack must handle (text, binary, secrets, big, bad UTF-8). */
export function packFixture(): Record<string, string | Uint8Array> {
  return {
    'src/index.ts': '// entry\nexport const answer = 42; // the answer\n',
    'src/util/strings.ts': 'export const url = "http://example.com/a//b"; /* keep the string */\n',
    'README.md': '# Demo\n\nSome text with `code` and a <tag> & ampersand.\n',
    'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>\n',
    '__snapshots__/a.snap': 'exports[`x`] = `"y"`;\n',
    'data/blob.txt': BINARY,
    'data/latin1.txt': LATIN1,
    'config/aws.js': AWS_SECRET_LINE,
    'keys/id_rsa.pem': privateKeyPem(),
    'big.txt': 'x'.repeat(3000),
    'weird.txt': 'ends with ]]> and <|endoftext|> and a form feed \f here\n',
  };
}
