import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The real agent CLIs the contract tests drive, pinned. They are big (≈ 400 MB each, native
 * binaries shipped inside the npm packages), so they are not devDependencies: they live in a
 * cache directory outside the repo, installed once and reused.
 */
export const PINS = {
  claude: { pkg: '@anthropic-ai/claude-code', version: '2.1.332', versionOut: '2.1.332 (Claude Code)' },
  codex: { pkg: '@openai/codex', version: '0.171.0', versionOut: 'codex-cli 0.171.0' },
} as const;

export function agentsCache(): string {
  return process.env.SPECLOOP_AGENTS_CACHE || join(homedir(), '.cache', 'specloop-agents');
}

export const agentsBin = (): string => join(agentsCache(), 'node_modules', '.bin');

function installedVersion(name: keyof typeof PINS): string | undefined {
  const bin = join(agentsBin(), name);
  if (!existsSync(bin)) return undefined;
  try {
    // A temp HOME: `--version` must not create config in the user's home.
    return execFileSync(bin, ['--version'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: join(agentsCache(), 'home') },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 30_000,
    }).trim();
  } catch {
    return undefined;
  }
}

/** vitest globalSetup: install the pinned CLIs into the cache unless they are there already. */
export default function setup(): void {
  const dir = agentsCache();
  mkdirSync(join(dir, 'home'), { recursive: true });
  const missing = (Object.keys(PINS) as (keyof typeof PINS)[]).filter(
    (n) => !installedVersion(n)?.includes(PINS[n].versionOut),
  );
  if (missing.length === 0) return;
  const specs = missing.map((n) => `${PINS[n].pkg}@${PINS[n].version}`);
  process.stderr.write(`test:agents: installing ${specs.join(', ')} into ${dir} (once)\n`);
  // Claude Code's package declares node >= 22 although what it installs is a native binary
  // (bin/claude.exe) that does not run on node; the project's .npmrc sets engine-strict, so
  // say it for this install only (else a fresh machine on node 20 cannot run test:agents).
  execFileSync(
    'npm',
    ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--engine-strict=false', ...specs],
    { stdio: 'inherit', cwd: dir },
  );
  for (const n of missing)
    if (!installedVersion(n)?.includes(PINS[n].versionOut))
      throw new Error(`test:agents: ${n} did not install (${PINS[n].pkg}@${PINS[n].version})`);
}
