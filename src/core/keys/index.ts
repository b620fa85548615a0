import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { secretValues } from '../../util/redact.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

/**
 * The API key store: `<home>/keys.json`, a JSON object `{provider: key}` written with mode 0600.
 * Environment variables always win over stored keys (the official SDKs' convention).
 */
export const KEYS_FILE = 'keys.json';

/** The env var each built-in provider reads its key from. */
export const KEY_ENV: Record<string, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
};

export type KeySource = 'env' | 'store';

export interface KeyInfo {
  provider: string;
  /** Where the key that would be used comes from. */
  source: KeySource;
  /** The env var that holds it (or would override the stored key). */
  envVar?: string;
}

/** Path of the key store for a context. */
export function keysPath(ctx: Pick<Context, 'home'>): string {
  return join(ctx.home, KEYS_FILE);
}

function readStore(ctx: Pick<Context, 'home'>): Record<string, string> {
  const file = keysPath(ctx);
  if (!existsSync(file)) return {};
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Not the parser's message: V8 quotes the text around the error, i.e. part of a key.
    throw new UsageError(`the key store ${file} is not valid JSON`, {
      code: 'E_KEYS',
      hint: 'fix the file or remove it and run `specloop keys set PROVIDER` again',
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
  return Object.fromEntries(
    Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

async function writeStore(ctx: Pick<Context, 'home'>, store: Record<string, string>): Promise<void> {
  await atomicWrite(keysPath(ctx), `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
}

function checkProviderName(provider: string): void {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(provider)) {
    throw new UsageError(`invalid provider name ${JSON.stringify(provider)}`, {
      code: 'E_KEYS',
      hint: 'use a provider name such as openai, anthropic or a [providers.compatible.NAME] name',
    });
  }
}

/** Store (or replace) the key for a provider. */
export async function setKey(ctx: Pick<Context, 'home'>, provider: string, key: string): Promise<void> {
  checkProviderName(provider);
  const value = key.trim();
  if (!value) throw new UsageError('the key is empty', { code: 'E_KEYS', hint: 'pipe the key on stdin' });
  if (/\s/.test(value)) throw new UsageError('the key contains whitespace', { code: 'E_KEYS' });
  await writeStore(ctx, { ...readStore(ctx), [provider]: value });
}

/** Remove a stored key; returns false when there was none. */
export async function removeKey(ctx: Pick<Context, 'home'>, provider: string): Promise<boolean> {
  const store = readStore(ctx);
  if (!(provider in store)) return false;
  delete store[provider];
  await writeStore(ctx, store);
  return true;
}

/** Every provider with a usable key (env or store), never the values. */
export function listKeys(ctx: Pick<Context, 'home' | 'env' | 'config'>): KeyInfo[] {
  const store = readStore(ctx);
  const envVars = { ...KEY_ENV };
  for (const [name, p] of Object.entries(ctx.config.providers.compatible))
    if (p.apiKeyEnv) envVars[name] = p.apiKeyEnv;
  const names = new Set([...Object.keys(envVars), ...Object.keys(store)]);
  const out: KeyInfo[] = [];
  for (const provider of [...names].sort()) {
    const envVar = envVars[provider];
    if (envVar && ctx.env[envVar]) out.push({ provider, source: 'env', envVar });
    else if (store[provider]) out.push({ provider, source: 'store', envVar });
  }
  return out;
}

/**
 * The key for a provider: `env[envVar]` first, then the store. Returns undefined when neither
 * has one; the caller decides whether that is an error (ollama needs no key).
 */
export function resolveKey(
  ctx: Pick<Context, 'home' | 'env'>,
  provider: string,
  envVar?: string,
): { key: string; source: KeySource } | undefined {
  const fromEnv = envVar ? ctx.env[envVar] : undefined;
  if (fromEnv) return { key: fromEnv, source: 'env' };
  const stored = readStore(ctx)[provider];
  return stored ? { key: stored, source: 'store' } : undefined;
}

/**
 * Every credential value specloop knows of: stored keys, secret-named variables and the
 * variables compatible endpoints read their key from. Redaction masks them; child
 * environments (tests, agents) drop them. An unreadable store contributes nothing.
 */
export function knownSecrets(ctx: Pick<Context, 'home' | 'env'> & { config?: Context['config'] }): string[] {
  let stored: string[] = [];
  try {
    stored = Object.values(readStore(ctx));
  } catch {
    stored = [];
  }
  const named = Object.values(ctx.config?.providers.compatible ?? {})
    .map((p) => (p.apiKeyEnv ? ctx.env[p.apiKeyEnv] : undefined))
    .filter((v): v is string => Boolean(v));
  return [...new Set([...stored, ...named, ...secretValues(ctx.env)])];
}
