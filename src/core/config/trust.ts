import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteSync } from '../../util/atomic-write.js';
import { UsageError } from '../errors.js';

/**
 * Trust for project configuration (the mise / direnv habit). A cloned repository's
 * specloop.toml is the repository author's text: keys in it that decide where a credential
 * is sent or what runs on this machine take effect only once the user has reviewed the file
 * and run `specloop trust`, which records the file's hash here, in the global config dir.
 * Any change to the file needs a new `specloop trust`.
 */
export const TRUST_FILE = 'trusted.json';

interface TrustStore {
  /** Absolute path of a project specloop.toml → sha256 of the content the user trusted. */
  files: Record<string, { sha256: string; at: string }>;
  /** Absolute path → sha256 of test commands already shown to the user. */
  testCommands: Record<string, string[]>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Key paths of a project config that can send credentials or run commands elsewhere: every
 * provider setting but the wire protocol choice (base URLs, hosts, headers, which env var
 * holds the key), anything named like an endpoint or a command (executor commands, hooks)
 * except `[test] command` — the test command is the project's own code, shown instead.
 */
export function sensitiveKeys(data: Obj): string[] {
  const out: string[] = [];
  const visit = (v: unknown, path: string[]) => {
    if (isObj(v)) {
      for (const [k, child] of Object.entries(v)) visit(child, [...path, k]);
      return;
    }
    const key = path.join('.');
    if (key === 'test.command' || key === 'providers.openai.api') return;
    const last = (path[path.length - 1] ?? '').toLowerCase();
    if (
      key === 'test.passEnv' ||
      path[0] === 'providers' ||
      path[0] === 'executors' ||
      /(url|host|headers?|apikeyenv|endpoint|command|cmd|args)$/.test(last)
    )
      out.push(key);
  };
  visit(data, []);
  return out;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function readStore(home: string): TrustStore {
  try {
    const v = JSON.parse(readFileSync(join(home, TRUST_FILE), 'utf8')) as Partial<TrustStore>;
    return {
      files: isObj(v.files) ? (v.files as TrustStore['files']) : {},
      testCommands: isObj(v.testCommands) ? (v.testCommands as TrustStore['testCommands']) : {},
    };
  } catch {
    return { files: {}, testCommands: {} };
  }
}

function writeStore(home: string, store: TrustStore): void {
  // 0600: the list of trusted projects is the user's own business.
  mkdirSync(home, { recursive: true });
  atomicWriteSync(join(home, TRUST_FILE), `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
}

/** True when `file`'s current `text` is the content the user trusted. */
export function isTrusted(home: string, file: string, text: string): boolean {
  return readStore(home).files[file]?.sha256 === sha256(text);
}

/** Record `file` (its current text) as trusted; returns the hash and the sensitive keys it sets. */
export function trustFile(o: { home: string; file: string; text: string; data: Obj; now: string }): {
  sha256: string;
  keys: string[];
} {
  const store = readStore(o.home);
  const hash = sha256(o.text);
  store.files[o.file] = { sha256: hash, at: o.now };
  writeStore(o.home, store);
  return { sha256: hash, keys: sensitiveKeys(o.data) };
}

/** Forget `file`; true when it was trusted. */
export function untrustFile(home: string, file: string): boolean {
  const store = readStore(home);
  if (!store.files[file]) return false;
  delete store.files[file];
  writeStore(home, store);
  return true;
}

/**
 * Refuse (exit 2) a project config whose sensitive keys are not trusted yet, naming the keys
 * and the command; "changed since" when an earlier version was trusted.
 */
export function checkTrust(o: { home: string; file: string; text: string; data: Obj }): void {
  const keys = sensitiveKeys(o.data);
  if (keys.length === 0 || isTrusted(o.home, o.file, o.text)) return;
  const before = readStore(o.home).files[o.file];
  const what = before ? 'changed since you trusted it and sets' : 'is not trusted yet and sets';
  throw new UsageError(
    `${o.file} ${what} keys that can send your credentials or run commands elsewhere: ${keys.join(', ')}`,
    {
      code: 'E_UNTRUSTED',
      hint: `review the file, then run \`specloop trust\` in ${o.file.replace(/[/\\]specloop\.toml$/, '')} (or remove those keys)`,
    },
  );
}

/**
 * True the first time `command` is seen for the project file `file` (the caller shows it
 * before it runs), false after; records it. A trusted file's commands count as seen.
 */
export function firstSightOfTestCommand(o: {
  home: string;
  file: string;
  text: string;
  command: string;
}): boolean {
  const store = readStore(o.home);
  if (store.files[o.file]?.sha256 === sha256(o.text)) return false;
  const seen = store.testCommands[o.file] ?? [];
  const h = sha256(o.command);
  if (seen.includes(h)) return false;
  store.testCommands[o.file] = [...seen, h];
  writeStore(o.home, store);
  return true;
}
