import { loadConfig } from '../config/load.js';
import { type Context, rootOf } from '../context.js';
import { detectTestCommand } from '../init/detect-test.js';
import { describeModels } from '../llm/models-info.js';
import { findClipboard } from '../pack/clipboard.js';
import { runTestsOnCleanCheckout } from './clean-tests.js';
import { bwrapWorks, toolVersion } from './tools.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info';

export interface DoctorCheck {
  /** Section: `system`, `config`, `keys`, `models`, `executors`, `tests`, `terminal`, `sandbox`. */
  group: string;
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface DoctorOptions {
  /** One cheap model call per provider the roles use. */
  online?: boolean;
  /** Run the test command once on a clean checkout of HEAD and report the outcome. */
  runTests?: boolean;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  /** True when nothing failed (warnings allowed). */
  ok: boolean;
}

const MIN_NODE = [20, 19];

/**
 * `specloop doctor`: what specloop will find when it runs here — versions, config files,
 * keys (present or absent, never the value), executors, the test command, terminal helpers,
 * the sandbox. Reads only, except `--online` (one model call per provider) and `--tests`.
 */
export async function runDoctor(ctx: Context, opts: DoctorOptions = {}): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const add = (group: string, name: string, status: CheckStatus, detail: string) =>
    checks.push({ group, name, status, detail });
  const root = rootOf(ctx);
  const sh = { cwd: root, env: ctx.env };

  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const nodeOk = major > MIN_NODE[0]! || (major === MIN_NODE[0] && minor >= MIN_NODE[1]!);
  add(
    'system',
    'node',
    nodeOk ? 'ok' : 'fail',
    `v${process.versions.node}${nodeOk ? '' : ' (need >= 20.19)'}`,
  );
  const git = await toolVersion('git', ['--version'], sh);
  add(
    'system',
    'git',
    git?.version ? 'ok' : 'fail',
    git?.version ?? 'not on PATH (run, pack and team need it)',
  );

  const loaded = loadConfig({ cwd: ctx.cwd, env: ctx.env, home: ctx.home });
  add('config', 'project root', 'info', root);
  add(
    'config',
    'files',
    'info',
    loaded.sources.length ? loaded.sources.join(', ') : 'none (built-in defaults)',
  );
  if (ctx.env.SPECLOOP_MODEL) add('config', 'SPECLOOP_MODEL', 'info', 'set (overrides models.default)');

  const models = describeModels(ctx);
  const used = new Map<string, string[]>();
  for (const r of models.roles) {
    const provider = providerOf(r.model);
    used.set(provider, [...(used.get(provider) ?? []), r.role]);
    add('models', r.role, 'info', `${r.model} (${r.from})`);
  }
  for (const p of models.providers) {
    const roles = used.get(p.name);
    if (p.key === 'none') {
      if (roles) add('keys', p.name, 'ok', 'no key needed');
      continue;
    }
    const fix = `absent: export ${p.keyEnv ?? 'its key'} or \`specloop keys set ${p.name.replace(/^openai-compatible:/, '')}\``;
    const where =
      p.key === 'env' ? `present (${p.keyEnv})` : p.key === 'store' ? 'present (specloop keys)' : fix;
    const status = p.key !== 'missing' ? 'ok' : roles ? 'fail' : 'info';
    add('keys', p.name, status, `${where}${roles ? `; used by ${roles.join(', ')}` : ''}`);
  }
  if (opts.online) await checkOnline(ctx, models.roles, add);

  add('executors', 'builtin', 'ok', 'built in (uses models.code)');
  for (const [name, args] of [
    ['aider', ['--version']],
    ['claude', ['--version']],
    ['codex', ['--version']],
  ] as const) {
    const t = await toolVersion(name, [...args], sh);
    const chosen = ctx.config.run.executor === name;
    add(
      'executors',
      name,
      t ? 'ok' : chosen ? 'fail' : 'info',
      t ? `${t.version ?? 'version unknown'} (${t.path})` : 'not on PATH',
    );
  }

  const configured = ctx.config.test.command;
  const detected = configured ? undefined : detectTestCommand(root);
  const command = configured ?? detected?.command;
  add(
    'tests',
    'command',
    command ? 'ok' : 'warn',
    configured
      ? `${configured} (specloop.toml)`
      : detected
        ? `${detected.command} (detected from ${detected.source}; not in specloop.toml)`
        : 'none: run `specloop init` or set [test] command',
  );
  if (opts.runTests && command) {
    const started = ctx.clock.now();
    const { result: r, where } = await runTestsOnCleanCheckout(ctx, { root, command });
    const secs = ((ctx.clock.now() - started) / 1000).toFixed(1);
    add(
      'tests',
      'run',
      r.code === 0 ? 'ok' : 'warn',
      `${r.timedOut ? `timed out after ${secs}s` : `exit ${r.code} in ${secs}s`} on ${where}` +
        (r.code === 0 ? '' : ': a step cannot pass until the suite is green'),
    );
  }

  const tmux = await toolVersion('tmux', ['-V'], sh);
  add('terminal', 'tmux', tmux ? 'ok' : 'info', tmux?.version ?? 'not on PATH (optional)');
  const clip = findClipboard(ctx.env);
  add(
    'terminal',
    'clipboard',
    clip ? 'ok' : 'info',
    clip ? clip.cmd : 'none (pack --copy unavailable; pipe --stdout instead)',
  );

  const bwrap = await bwrapWorks(sh);
  add(
    'sandbox',
    'bwrap',
    bwrap ? 'ok' : 'warn',
    bwrap ? 'available' : 'not available: tests and agents run unsandboxed',
  );
  return { checks, ok: !checks.some((c) => c.status === 'fail') };
}

function providerOf(model: string): string {
  const [provider, rest] = [model.slice(0, model.indexOf(':')), model.slice(model.indexOf(':') + 1)];
  return provider === 'openai-compatible' ? `${provider}:${rest.split(':')[0]}` : provider || model;
}

/** One tiny call per provider the roles use; the error text is the provider's own. */
async function checkOnline(
  ctx: Context,
  roles: { role: string; model: string }[],
  add: (g: string, n: string, s: CheckStatus, d: string) => void,
): Promise<void> {
  const llm = await ctx.llm();
  const seen = new Set<string>();
  for (const r of roles) {
    const provider = providerOf(r.model);
    if (seen.has(provider)) continue;
    seen.add(provider);
    const started = ctx.clock.now();
    try {
      await llm.generate({
        model: r.model,
        messages: [{ role: 'user', content: 'Reply with the single word: ok' }],
        maxOutputTokens: 5,
        signal: ctx.signal,
        command: 'doctor',
      });
      add('online', provider, 'ok', `${r.model} answered in ${ctx.clock.now() - started} ms`);
    } catch (err) {
      add('online', provider, 'fail', `${r.model}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
}
