/**
 * What secretlint's recommended preset misses, as options of secretlint's own pattern rule
 * (`@secretlint/secretlint-rule-pattern`): each entry names a kind of credential and the
 * RegExp-like strings that find it. The preset's private-key rule expects a key body that
 * starts with `MI`; an EC key (`MH…`), a small PKCS#8 key or an OpenSSH/PGP block does not.
 */
export interface SecretPattern {
  name: string;
  patterns: string[];
  /** Only in files whose path matches (micromatch globs); default every file. */
  filePathGlobs?: string[];
}

/** Files written as `NAME=value` / `name: value` lines: where a generic assignment is a secret. */
export const ENV_STYLE_FILES = [
  '**/.env*',
  '**/*.env',
  '**/*.env.*',
  '**/.envrc',
  '**/*.properties',
  '**/*.ini',
  '**/*.cfg',
  '**/*.conf',
  '**/.npmrc',
  '**/.pypirc',
  '**/.netrc',
  '**/credentials',
  '**/secrets.*',
];

export const SECRET_PATTERNS: SecretPattern[] = [
  {
    name: 'private-key',
    patterns: [
      '/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\\s\\S]{16,}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/',
    ],
  },
  {
    name: 'aws-access-key-id',
    patterns: ['/\\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])(?![A-Z0-9]*EXAMPLE)[A-Z0-9]{16}\\b/'],
  },
  {
    name: 'stripe',
    patterns: ['/\\b(?:sk|rk)_(?:live|test)_[0-9a-zA-Z]{20,}\\b/', '/\\bwhsec_[0-9a-zA-Z]{24,}\\b/'],
  },
  { name: 'google-api-key', patterns: ['/\\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/'] },
  { name: 'jwt', patterns: ['/\\beyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{16,}/'] },
  {
    name: 'azure',
    patterns: [
      '/AccountKey=[A-Za-z0-9+/]{40,}={0,2}/',
      '/SharedAccessKey=[A-Za-z0-9+/]{30,}={0,2}/',
      '/[?&]sig=[A-Za-z0-9%+/]{30,}(?:%3D|=){0,2}/',
      '/\\b[a-zA-Z0-9_~.-]{3}\\dQ~[a-zA-Z0-9_~.-]{31,34}(?![0-9A-Za-z_~.-])/',
    ],
  },
  {
    name: 'twilio',
    patterns: [
      '/\\bSK[0-9a-f]{32}\\b/',
      '/TWILIO[A-Z_]*(?:TOKEN|SECRET|KEY)[\'"]?\\s*[:=]\\s*[\'"]?[0-9a-f]{32}\\b/i',
    ],
  },
  { name: 'npm-auth-token', patterns: ['/_auth(?:Token)?\\s*=\\s*(?!\\$\\{)[A-Za-z0-9+/=_-]{16,}/'] },
  { name: 'mailgun', patterns: ['/\\bkey-[0-9a-f]{32}\\b/'] },
  { name: 'gitlab', patterns: ['/\\bglpat-[0-9A-Za-z_-]{20,}(?![0-9A-Za-z_~.-])/'] },
  { name: 'digitalocean', patterns: ['/\\bdo[por]_v1_[0-9a-f]{64}\\b/'] },
  { name: 'vault', patterns: ['/\\bhv[sb]\\.[A-Za-z0-9_-]{24,}(?![0-9A-Za-z_~.-])/'] },
  { name: 'databricks', patterns: ['/\\bdapi[0-9a-f]{32}(?:-\\d)?\\b/'] },
  { name: 'pypi', patterns: ['/\\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/'] },
  { name: 'huggingface', patterns: ['/\\bhf_[A-Za-z0-9]{34,}\\b/'] },
  { name: 'telegram', patterns: ['/\\b\\d{8,10}:AA[0-9A-Za-z_-]{33}(?![0-9A-Za-z_~.-])/'] },
  {
    name: 'discord',
    patterns: ['/\\b[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}(?![0-9A-Za-z_~.-])/'],
  },
  {
    name: 'password-assignment',
    filePathGlobs: ENV_STYLE_FILES,
    patterns: [
      '/^[ \\t]*(?:export[ \\t]+)?[A-Za-z0-9_.-]*(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH|CREDENTIALS?)[A-Za-z0-9_.-]*[ \\t]*[:=][ \\t]*["\']?(?!\\$\\{|<|changeme|your[_-]|xxx|\\*{3})[^\\s"\'#]{6,}/im',
    ],
  },
];

/**
 * For each pattern above, a prefix (or looser form) of what it matches: the prefilter in
 * secrets.ts (a file matching none of these and no preset hint skips secretlint). Only
 * case-sensitive patterns here; twilio's is `/i` and sits in secrets.ts's any-case hints.
 */
export const PATTERN_HINTS = new RegExp(
  [
    'PRIVATE KEY',
    'AKIA|ASIA|ABIA|ACCA|A3T',
    'k_(?:live|test)_[0-9a-zA-Z]{20}|whsec_[0-9a-zA-Z]{24}', // stripe
    'AIza[0-9A-Za-z_-]{35}', // google
    'eyJ[A-Za-z0-9_-]{10,}\\.eyJ', // jwt
    'AccountKey=|SharedAccessKey=|sig=[A-Za-z0-9%+/]{30}|\\dQ~', // azure
    'SK[0-9a-f]{32}', // twilio api key
    '_auth(?:Token)?\\s*=', // npm auth token
    'key-[0-9a-f]{32}|glpat-|_v1_[0-9a-f]{64}|hv[sb]\\.[A-Za-z0-9_-]{24}|dapi[0-9a-f]{32}|pypi-|hf_[A-Za-z0-9]{34}',
    '\\d:AA[0-9A-Za-z_-]{33}', // telegram
    '[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.', // discord
  ].join('|'),
);
