import { generateKeyPairSync } from 'node:crypto';

/**
 * Planted secrets for the leak tests: one file per kind, each value shaped exactly like the
 * real thing (private keys are real keys, generated now; tokens use each vendor's prefix,
 * length and alphabet, from a seeded generator) — never the vendors' documented example
 * values, which detectors allow on purpose.
 */
export interface PlantedSecret {
  kind: string;
  path: string;
  content: string;
  /** The text that must never appear in any output (the secret itself, or its key body). */
  needle: string;
}

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;
const URLSAFE = `${ALNUM}-_`;

/** Build the corpus (deterministic apart from the generated private keys). */
export function plantedSecrets(seed = 1313): PlantedSecret[] {
  const r = rng(seed);
  const s = (alphabet: string, n: number) =>
    Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
  const out: PlantedSecret[] = [];
  const add = (kind: string, path: string, needle: string, content = needle) =>
    out.push({ kind, path, needle, content: content.includes(needle) ? content : `${content}${needle}\n` });
  const pem = (kind: string, path: string, text: string) => {
    const body = text.split('\n')[1] as string; // first line of the key body
    add(kind, path, body, text);
  };

  // Private keys, real ones, in every encoding whose first bytes differ.
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  pem('EC PRIVATE KEY (SEC1, body MH…)', 'keys/ec.pem', ec.export({ type: 'sec1', format: 'pem' }) as string);
  pem('EC key, PKCS#8', 'keys/ec-pkcs8.pem', ec.export({ type: 'pkcs8', format: 'pem' }) as string);
  const ed = generateKeyPairSync('ed25519').privateKey;
  pem(
    'Ed25519 PKCS#8 (body MC…)',
    'deploy/ed25519.key',
    ed.export({ type: 'pkcs8', format: 'pem' }) as string,
  );
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  pem('RSA PRIVATE KEY (PKCS#1)', 'certs/server.key', rsa.export({ type: 'pkcs1', format: 'pem' }) as string);
  pem(
    'ENCRYPTED PRIVATE KEY',
    'certs/enc.pem',
    rsa.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string,
  );
  const x448 = generateKeyPairSync('x448').privateKey;
  pem('X448 PKCS#8', 'keys/x448.pem', x448.export({ type: 'pkcs8', format: 'pem' }) as string);
  pem(
    'OPENSSH PRIVATE KEY',
    'home/.ssh/id_ed25519',
    `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW${s(B64, 18)}\n${s(B64, 70)}\n-----END OPENSSH PRIVATE KEY-----\n`,
  );
  pem(
    'PGP PRIVATE KEY BLOCK',
    'keys/signing.asc',
    `-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBGX${s(B64, 57)}\n${s(B64, 64)}\n=${s(B64, 4)}\n-----END PGP PRIVATE KEY BLOCK-----\n`,
  );

  // Cloud and vendor tokens.
  const akia = `AKIA${s(UPPER_NUM, 16)}`;
  add('AWS access key id', 'src/aws.js', akia, `export const awsKeyId = '${akia}';\n`);
  add(
    'AWS temporary key id (ASIA)',
    'scripts/sts.sh',
    `ASIA${s(UPPER_NUM, 16)}`,
    'export AWS_ACCESS_KEY_ID=',
  );
  const awsSecret = s(B64, 40);
  add('AWS secret access key', 'config/aws.json', awsSecret, `{ "aws_secret_access_key": "${awsSecret}" }\n`);
  add('GitHub classic token', 'src/gh.ts', `ghp_${s(ALNUM, 36)}`, "const token = '");
  add(
    'GitHub fine-grained token',
    'ci/gh.yml',
    `github_pat_11${s(UPPER_NUM, 20)}_${s(ALNUM, 59)}`,
    'token: ',
  );
  add('GitHub OAuth token', 'src/oauth.py', `gho_${s(ALNUM, 36)}`, 'TOKEN = "');
  add('OpenAI key', 'src/openai.ts', `sk-proj-${s(URLSAFE, 74)}T3BlbkFJ${s(URLSAFE, 74)}`, "const key = '");
  add('Anthropic key', 'src/claude.py', `sk-ant-api03-${s(URLSAFE, 93)}AA`, 'client = Anthropic(api_key="');
  add(
    'Slack bot token',
    'bot/slack.js',
    `xoxb-${s('0123456789', 12)}-${s('0123456789', 13)}-${s(ALNUM, 24)}`,
    "const t = '",
  );
  add(
    'Slack webhook',
    'bot/hook.js',
    `https://hooks.slack.com/services/T${s(UPPER_NUM, 8)}/B${s(UPPER_NUM, 10)}/${s(ALNUM, 24)}`,
    'fetch("',
  );
  add('Stripe secret key', 'billing/stripe.rb', `sk_live_51${s(ALNUM, 97)}`, "Stripe.api_key = '");
  add('Stripe restricted key', 'billing/worker.go', `rk_live_51${s(ALNUM, 97)}`, 'key := "');
  add('Stripe webhook secret', 'billing/hook.ts', `whsec_${s(ALNUM, 32)}`, "const endpointSecret = '");
  add(
    'Google API key',
    'web/maps.html',
    `AIza${s(URLSAFE, 35)}`,
    '<script src="https://maps.googleapis.com/maps/api/js?key=',
  );
  const gcpKey = ec.export({ type: 'pkcs8', format: 'pem' }) as string;
  add(
    'GCP service account',
    'gcp/service-account.json',
    gcpKey.split('\n')[1] as string,
    `${JSON.stringify({ type: 'service_account', project_id: 'acme-prod', private_key_id: s(HEX, 40), private_key: gcpKey, client_email: 'ci@acme-prod.iam.gserviceaccount.com' }, null, 2)}\n`,
  );
  const jwt = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ sub: s(HEX, 12), role: 'admin', iat: 1764547200 })).toString('base64url')}.${s(URLSAFE, 43)}`;
  add('JWT', 'test/fixtures/session.txt', jwt, 'Authorization: Bearer ');
  add(
    'Azure storage connection string',
    'infra/storage.cs',
    `AccountKey=${s(B64, 86)}==`,
    'var cs = "DefaultEndpointsProtocol=https;AccountName=acmeprod;',
  );
  add(
    'Azure SAS token',
    'infra/upload.sh',
    `sig=${s(ALNUM, 43)}%3D`,
    'curl "https://acme.blob.core.windows.net/c/f?sv=2022-11-02&ss=b&srt=o&sp=r&',
  );
  add(
    'Azure AD client secret',
    'infra/aad.py',
    `${s(ALNUM, 3)}8Q~${s(`${ALNUM}~._-`, 34)}`,
    'CLIENT_SECRET = "',
  );
  add(
    'Azure service bus key',
    'infra/bus.ts',
    `SharedAccessKey=${s(B64, 43)}=`,
    "const c = 'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=root;",
  );
  add('Twilio API key', 'sms/send.js', `SK${s(HEX, 32)}`, "const apiKey = '");
  add('Twilio auth token', 'sms/config.py', s(HEX, 32), 'TWILIO_AUTH_TOKEN = "');
  add('SendGrid key', 'mail/send.php', `SG.${s(URLSAFE, 22)}.${s(URLSAFE, 43)}`, "$key = '");
  add('Mailgun key', 'mail/mailgun.rb', `key-${s(HEX, 32)}`, "api_key = '");
  add('npm token', 'scripts/publish.sh', `npm_${s(ALNUM, 36)}`, 'NPM_TOKEN=');
  add('.npmrc auth token', '.npmrc', s(`${ALNUM}-`, 36), '//registry.npmjs.org/:_authToken=');
  add('Shopify token', 'shop/app.js', `shpat_${s(HEX, 32)}`, "const t = '");
  add('Linear key', 'tools/linear.ts', `lin_api_${s(ALNUM, 40)}`, "const k = '");
  add('GitLab token', 'ci/gitlab.sh', `glpat-${s(URLSAFE, 20)}`, 'GL=');
  add('DigitalOcean token', 'infra/do.tf', `dop_v1_${s(HEX, 64)}`, 'token = "');
  add('Vault token', 'infra/vault.hcl', `hvs.${s(URLSAFE, 90)}`, 'token = "');
  add('Databricks token', 'jobs/db.py', `dapi${s(HEX, 32)}`, 'TOKEN = "');
  add('PyPI token', 'scripts/release.py', `pypi-AgEIcHlwaS5vcmc${s(URLSAFE, 70)}`, 'password = "');
  add('Hugging Face token', 'ml/hub.py', `hf_${s(ALNUM, 34)}`, 'HF = "');
  add('Telegram bot token', 'bot/telegram.js', `${s('123456789', 10)}:AA${s(URLSAFE, 33)}`, "const bot = '");
  add(
    'Discord bot token',
    'bot/discord.py',
    `MT${s(ALNUM, 24)}.${s(URLSAFE, 6)}.${s(URLSAFE, 38)}`,
    'client.run("',
  );

  // Credentials inside URLs.
  add('basic auth URL', 'src/api.js', `https://deploy:${s(ALNUM, 18)}@api.acme.io`, "const base = '");
  add(
    'postgres URL',
    'src/db.ts',
    `postgres://app:${s(ALNUM, 20)}@db.acme.internal:5432/prod`,
    "const url = '",
  );
  add(
    'mongodb+srv URL',
    'src/mongo.js',
    `mongodb+srv://svc:${s(ALNUM, 20)}@cluster0.ab1cd.mongodb.net/app`,
    "const uri = '",
  );
  add('mysql URL', 'src/mysql.py', `mysql://root:${s(ALNUM, 16)}@10.0.0.5:3306/shop`, 'URL = "');

  // Generic assignments in env-style files.
  add('PASSWORD= in a .env-style file', 'docker/db.env', s(ALNUM, 20), 'POSTGRES_PASSWORD=');
  add('SECRET_KEY in a properties file', 'config/app.properties', s(ALNUM, 32), 'app.jwt.secret_key=');
  add(
    'password in an ini file',
    'config/app.ini',
    s(`${ALNUM}!@%`, 16),
    '[database]\nhost = db\npassword = ',
  );
  add('API_KEY in a conf file', 'deploy/service.conf', s(HEX, 40), 'MAPS_API_KEY=');
  add(
    'credentials file',
    'aws/credentials',
    s(B64, 40),
    '[default]\naws_access_key_id = AKIA' + s(UPPER_NUM, 16) + '\naws_secret_access_key = ',
  );

  // dotenv files: left out of the pack by name, whatever they hold.
  add('.env.production', '.env.production', s(ALNUM, 24), 'DATABASE_PASSWORD=');
  add('.env.local', 'web/.env.local', `sk_test_51${s(ALNUM, 97)}`, 'STRIPE_KEY=');
  return out;
}
