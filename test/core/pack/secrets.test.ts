import { lintSource } from '@secretlint/core';
import { creator } from '@secretlint/secretlint-rule-preset-recommend';
import { describe, expect, it } from 'vitest';
import { contentFlags, SECRET_HINT } from '../../../src/core/pack/secret-prefilter.js';
import {
  findSecrets,
  installedPresetVersion,
  KNOWN_PRESET_VERSION,
  mayHoldSecret,
  scanForSecrets,
} from '../../../src/core/pack/secrets.js';
import { AWS_SECRET_LINE, privateKeyPem, realTexts } from '../../support/pack-fixtures.js';

// One realistic finding per rule of the recommended preset (random-looking, not docs' examples).
const r = (n: number, chars = 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY') =>
  Array.from({ length: n }, (_, i) => chars[(i * 7 + 3) % chars.length]).join('');
const SAMPLES: Record<string, string> = {
  'aws.js': AWS_SECRET_LINE,
  'key.pem': privateKeyPem(),
  'gh.ts': `const token = "ghp_${r(36)}";\n`,
  'slack.ts': `const t = "xoxb-1234567890-${r(24)}";\n`,
  'npm.txt': `npm_${r(36)}\n`,
  'db.ts': 'const url = "postgres://admin:Sup3rS3cretPw@db.example.com:5432/app";\n',
  'basic.ts': 'fetch("https://alice:Xk9pL2mQ7v@internal.example.com/api");\n',
  'anthropic.ts': `const k = "sk-ant-api03-${r(95)}AA";\n`,
  'sendgrid.ts': `const k = "SG.${r(22)}.${r(43)}";\n`,
};

const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
const lint = async (path: string, content: string) =>
  (
    await lintSource({
      source: { filePath: path, content, ext: `.${path.split('.').pop()}`, contentType: 'text' },
      options: { config },
    })
  ).messages;

describe('secret scan', () => {
  it('finds each kind of secret, naming the rule', async () => {
    for (const [path, content] of Object.entries(SAMPLES)) {
      const full = await lint(path, content);
      if (full.length === 0) continue; // secretlint itself passes on this sample: nothing to prove
      expect({ path, may: mayHoldSecret(path, content) }).toEqual({ path, may: true });
      expect((await findSecrets(path, content)).length).toBeGreaterThan(0);
    }
    expect((await findSecrets('aws.js', AWS_SECRET_LINE))[0]).toEqual({
      rule: 'aws',
      messageId: 'AWSSecretAccessKey',
    });
  });

  it('the prefilter never hides a finding secretlint would make (real files and samples)', async () => {
    const texts = [...realTexts(60), ...Object.entries(SAMPLES).map(([path, text]) => ({ path, text }))];
    for (const { path, text } of texts) {
      if ((await lint(path, text)).length > 0)
        expect({ path, may: mayHoldSecret(path, text) }).toEqual({ path, may: true });
    }
  });

  it('scans a text the same with its hint known (from the pack byte pass)', async () => {
    const texts: [string, string][] = [
      ...Object.entries(SAMPLES),
      ['a.ts', 'export const answer = 42;\n'],
      ['é.md', 'café — 中文 ghp_ nothing here\u2028'],
      ['.env', 'PASSWORD=hunter2hunter2\n'],
    ];
    for (const [path, text] of texts) {
      const buf = Buffer.from(`  ${text}  \n`);
      const hint = (contentFlags(buf, 2, 2 + Buffer.byteLength(text)) & SECRET_HINT) !== 0;
      expect({ path, scan: await scanForSecrets(path, text, hint) }).toEqual({
        path,
        scan: await scanForSecrets(path, text),
      });
    }
    expect((await scanForSecrets('gh.ts', SAMPLES['gh.ts']!)).findings).not.toEqual([]);
  });

  it('knows the installed preset (a new version: re-check the prefilter, then bump KNOWN_PRESET_VERSION)', () => {
    expect(installedPresetVersion()).toBe(KNOWN_PRESET_VERSION);
  });

  it('lets ordinary code skip the scan', () => {
    expect(
      mayHoldSecret('a.ts', 'export const answer = 42;\nfunction f(x: number) { return x * 2; }\n'),
    ).toBe(false);
    // Words that merely share a literal with a rule (the prefilter once sent these to secretlint).
    const ordinary = [
      'module.exports.default = x; Object.prototype.hasOwnProperty.call(a, b);',
      'const account = getAccount(); // the account page',
      'run `npm_config_registry=… npm install`',
      'const JWT_PREFIX = "eyJ"; // every JWT starts like this',
      'describe("sk_test_ mode", () => {}); const dapi = 1; key-value',
    ];
    for (const text of ordinary)
      expect({ text, may: mayHoldSecret('a.js', text) }).toEqual({ text, may: false });
  });
});
