import type { FakeReplyValue, FakeRequest, FakeToolCall } from '../support/fake-llm-server.js';
import { FIXTURE_TEST_CMD, stepFiles } from '../support/run-fixtures.js';

/**
 * The fake server playing the model behind a REAL agent CLI, in that CLI's own tools:
 * turn 1 writes step N's files, turn 2 runs the project's tests (FIXTURE_TEST_CMD) through the
 * CLI's shell tool, turn 3 answers with a summary. While `wrong(step, retry)` says so, the
 * implementation returns -1 (a red attempt the agent sees but finishes anyway).
 *
 * Stateless: each request is answered from the conversation it carries, so the CLI's own
 * retries, side requests and reconnects need no bookkeeping here.
 */
export type Dialect = 'builtin' | 'claude' | 'codex';

export interface ModelOptions {
  wrong?: (step: number, retry: boolean) => boolean;
  /** Tokens the fake reports per answer (drives usage and cost). */
  usage?: { inputTokens: number; outputTokens: number };
}

const text = (req: FakeRequest) => req.messages.map((m) => m.content).join('\n');

/** Step number, retry flag and where the agent works, read from the conversation. */
export function conversation(req: FakeRequest): {
  step: number;
  retry: boolean;
  cwd?: string;
  results: string[];
} {
  const all = text(req);
  const users = req.messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');
  const m = /step (\d+) \(/.exec(users) ?? /attempt \d+ of \d+ at step (\d+)/.exec(users);
  const cwd = /Primary working directory: (\S+)/.exec(all)?.[1] ?? /<cwd>([^<]+)<\/cwd>/.exec(all)?.[1];
  return {
    step: m ? Number(m[1]) : 0,
    retry: /This is attempt \d+ of/.test(users),
    cwd,
    results: req.messages.filter((m) => m.role === 'tool').map((m) => m.content),
  };
}

const heredoc = (path: string, body: string) => `cat > ${path} <<'SPECLOOP_EOF'\n${body}SPECLOOP_EOF`;

function writeCalls(
  dialect: Dialect,
  files: Record<string, string>,
  cwd: string | undefined,
): FakeToolCall[] {
  if (dialect === 'builtin')
    return Object.entries(files).map(([path, content]) => ({ name: 'write_file', input: { path, content } }));
  if (dialect === 'claude')
    return Object.entries(files).map(([p, content]) => ({
      name: 'Write',
      input: { file_path: cwd ? `${cwd}/${p}` : p, content },
    }));
  const script = ['mkdir -p src test', ...Object.entries(files).map(([p, c]) => heredoc(p, c))].join('\n');
  return [{ name: 'exec_command', input: { cmd: script } }];
}

function testCall(dialect: Dialect): FakeToolCall {
  if (dialect === 'builtin') return { name: 'run_tests', input: {} };
  return dialect === 'claude'
    ? { name: 'Bash', input: { command: FIXTURE_TEST_CMD, description: 'Run the test suite' } }
    : { name: 'exec_command', input: { cmd: FIXTURE_TEST_CMD } };
}

/** Did a tool result show a finished node:test run (TAP summary)? */
export const ranTests = (result: string) => /# (pass|fail) \d+/.test(result);

export function agentModel(dialect: Dialect, o: ModelOptions = {}) {
  return (req: FakeRequest): FakeReplyValue => {
    const usage = o.usage ?? { inputTokens: 1000, outputTokens: 100 };
    // Side requests (titles, summaries, probes) offer no tools: a short answer will do.
    if (req.tools.length === 0) return { text: 'ok', usage };
    const c = conversation(req);
    if (!c.step) return { text: 'There is no step to work on.', usage };
    const files = stepFiles(c.step, o.wrong?.(c.step, c.retry) ? -1 : c.step);
    // Claude's Write refuses to overwrite a file it has not read in this session: on a retry
    // (the red attempt's files are still there) it reads them first, as the real model does.
    const plan: (() => FakeReplyValue)[] = [];
    if (dialect === 'claude' && c.retry)
      plan.push(() => ({
        toolCalls: Object.keys(files).map((p) => ({
          name: 'Read',
          input: { file_path: c.cwd ? `${c.cwd}/${p}` : p },
        })),
        usage,
      }));
    plan.push(
      () => ({ toolCalls: writeCalls(dialect, files, c.cwd), usage }),
      () => ({ toolCalls: [testCall(dialect)], usage }),
      () => {
        const green = /# fail 0/.test(c.results.at(-1) ?? '');
        const summary = `Step ${c.step}: wrote src/step${c.step}.js and its test; the tests ${green ? 'pass' : 'still fail'}.`;
        // The builtin agent ends with its `finish` tool; the CLIs end with a plain answer.
        return dialect === 'builtin'
          ? { toolCalls: [{ name: 'finish', input: { summary } }], usage }
          : { text: summary, usage };
      },
    );
    const turns = req.messages.filter((m) => m.role === 'assistant').length;
    return (plan[Math.min(turns, plan.length - 1)] as () => FakeReplyValue)();
  };
}
