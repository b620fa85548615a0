import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { atomicWrite } from '../../../../util/atomic-write.js';
import {
  hiddenByIgnore,
  type IntegrityPolicy,
  isIgnoreFile,
  protectedReason,
  stepPolicy,
} from '../../../integrity/index.js';
import { isGitSegment, pathGate, refuseKind } from '../../path-gate.js';

/**
 * The builtin agent's tools: name + argument schema + execute. Descriptions the model reads
 * live in src/templates/agent-tools.md. Every path goes through the one path gate; every
 * refusal or mistake comes back as an error result the model sees, never an exception.
 */
export const toolArgs = {
  list_files: z.object({ path: z.string().optional() }).strict(),
  read_file: z.object({ path: z.string() }).strict(),
  write_file: z.object({ path: z.string(), content: z.string() }).strict(),
  edit_file: z
    .object({
      path: z.string(),
      old_string: z.string(),
      new_string: z.string(),
      replace_all: z.boolean().optional(),
    })
    .strict(),
  run_tests: z.object({}).strict(),
  finish: z.object({ summary: z.string() }).strict(),
} as const;

export type ToolName = keyof typeof toolArgs;
export const TOOL_NAMES = Object.keys(toolArgs) as ToolName[];

/** JSON Schemas sent to the model (kept beside the zod validators that check the replies). */
export const toolSchemas: Record<ToolName, Record<string, unknown>> = {
  list_files: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'directory relative to the repository root; default "."' },
    },
    additionalProperties: false,
  },
  read_file: {
    type: 'object',
    properties: { path: { type: 'string' } },
    required: ['path'],
    additionalProperties: false,
  },
  write_file: {
    type: 'object',
    properties: { path: { type: 'string' }, content: { type: 'string' } },
    required: ['path', 'content'],
    additionalProperties: false,
  },
  edit_file: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      old_string: { type: 'string' },
      new_string: { type: 'string' },
      replace_all: { type: 'boolean' },
    },
    required: ['path', 'old_string', 'new_string'],
    additionalProperties: false,
  },
  run_tests: { type: 'object', properties: {}, additionalProperties: false },
  finish: {
    type: 'object',
    properties: { summary: { type: 'string' } },
    required: ['summary'],
    additionalProperties: false,
  },
};

export interface ToolOutcome {
  output: string;
  isError?: boolean;
  /** Set by `finish`. */
  finished?: { summary: string };
  /** A file was changed (for crash points and activity). */
  wrote?: string;
}

export interface ToolSession {
  root: string;
  /** Paths the agent has read or written this attempt (edit requires one of these). */
  seen: Set<string>;
  runTests(): Promise<{ ok: boolean; output: string }>;
  /** What the step may not change (default: the standard run files). */
  policy?: IntegrityPolicy;
  /** Files written this attempt (a .gitignore edit may not hide them). Kept by the tools. */
  written?: Set<string>;
  /** Ctrl-C / SIGTERM: a running tool call is abandoned with an error result at once. */
  signal?: AbortSignal;
}

const MAX_READ = 200_000;
const MAX_LIST = 1000;
const err = (output: string): ToolOutcome => ({ output, isError: true });

async function listFiles(s: ToolSession, dir: string | undefined): Promise<ToolOutcome> {
  const gate = pathGate(s.root, dir ?? '.', { allowRoot: true });
  if (!gate.ok) return err(gate.reason);
  const out: string[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = await readdir(abs, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (out.length >= MAX_LIST) return;
      if (isGitSegment(e.name) || e.name === 'node_modules' || e.name === '.specloop') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(join(abs, e.name), r);
      else if (e.isFile() || e.isSymbolicLink()) out.push(r);
    }
  };
  try {
    if (!(await stat(gate.abs)).isDirectory()) return err(`${dir} is not a directory`);
    await walk(gate.abs, gate.rel);
  } catch (e) {
    return err(`cannot list ${dir ?? '.'}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (out.length === 0) return { output: '(no files)' };
  const more = out.length >= MAX_LIST ? `\n[listing stopped at ${MAX_LIST} files; list a subdirectory]` : '';
  return { output: out.join('\n') + more };
}

/**
 * Read a regular file without ever blocking: opened non-blocking (a FIFO swapped in after the
 * gate's check opens at once instead of waiting for a writer) and checked again on the open
 * descriptor, so what is read is what was checked.
 */
async function readRegular(abs: string, shown: string): Promise<Buffer> {
  const fh = await open(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (st.isDirectory())
      throw Object.assign(new Error(`${shown} is a directory; use list_files`), { code: 'EISDIR' });
    const why = refuseKind(st, shown);
    if (why) throw Object.assign(new Error(why), { code: 'EREFUSED' });
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

async function readFileTool(s: ToolSession, path: string): Promise<ToolOutcome> {
  const gate = pathGate(s.root, path);
  if (!gate.ok) return err(gate.reason);
  try {
    const buf = await readRegular(gate.abs, path);
    if (buf.subarray(0, 8000).includes(0)) return err(`${path} is a binary file`);
    s.seen.add(gate.rel);
    const text = buf.toString('utf8');
    if (text.length > MAX_READ)
      return { output: `${text.slice(0, MAX_READ)}\n[truncated: ${text.length} characters]` };
    return { output: text };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return err(`${path} does not exist`);
    if (code === 'EISDIR' || code === 'EREFUSED') return err((e as Error).message);
    return err(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/**
 * Why this write breaks the integrity rule, or undefined: a protected file, or a .gitignore
 * whose new text would hide files this attempt wrote (the step's code would never be committed).
 */
async function refuseWrite(
  s: ToolSession,
  rel: string,
  next: () => Promise<string>,
): Promise<string | undefined> {
  const why = protectedReason(s.policy ?? stepPolicy(), rel);
  if (why) return `refused: ${why}`;
  if (!isIgnoreFile(rel) || !s.written?.size) return undefined;
  const before = await readRegular(join(s.root, rel), rel).then(
    (b) => b.toString('utf8'),
    () => '',
  );
  const hidden = hiddenByIgnore({ ignoreFile: rel, before, after: await next(), created: s.written });
  return hidden.length
    ? `refused: this .gitignore change would hide files you wrote (${hidden.slice(0, 5).join(', ')}); a step's files must be committed`
    : undefined;
}

async function writeFileTool(s: ToolSession, path: string, content: string): Promise<ToolOutcome> {
  const gate = pathGate(s.root, path);
  if (!gate.ok) return err(gate.reason);
  const refused = await refuseWrite(s, gate.rel, async () => content);
  if (refused) return err(refused);
  try {
    const st = await lstat(gate.abs).catch(() => undefined);
    if (st?.isDirectory()) return err(`${path} is a directory`);
    await mkdir(dirname(gate.abs), { recursive: true });
    // Atomic: a crash mid-write leaves the old file (or none), never half a file.
    await atomicWrite(gate.abs, content);
    s.seen.add(gate.rel);
    (s.written ??= new Set()).add(gate.rel);
    return { output: `wrote ${gate.rel} (${content.split('\n').length} lines)`, wrote: gate.rel };
  } catch (e) {
    return err(`cannot write ${path}: ${(e as Error).message}`);
  }
}

function countOccurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

async function editFileTool(s: ToolSession, a: z.infer<typeof toolArgs.edit_file>): Promise<ToolOutcome> {
  const gate = pathGate(s.root, a.path);
  if (!gate.ok) return err(gate.reason);
  const policyWhy = protectedReason(s.policy ?? stepPolicy(), gate.rel);
  if (policyWhy) return err(`refused: ${policyWhy}`);
  if (!s.seen.has(gate.rel)) return err(`read ${a.path} with read_file before editing it`);
  if (a.old_string === '')
    return err('old_string is empty; use write_file to create or replace a whole file');
  if (a.old_string === a.new_string) return err('old_string and new_string are identical');
  let text: string;
  try {
    text = (await readRegular(gate.abs, a.path)).toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? `${a.path} does not exist` : (e as Error).message);
  }
  const n = countOccurrences(text, a.old_string);
  if (n === 0)
    return err(`old_string was not found in ${a.path}; read the file again and copy the exact text`);
  if (n > 1 && !a.replace_all)
    return err(
      `old_string occurs ${n} times in ${a.path}; include more surrounding lines or set replace_all`,
    );
  const next = a.replace_all
    ? text.split(a.old_string).join(a.new_string)
    : text.replace(a.old_string, () => a.new_string);
  const refused = await refuseWrite(s, gate.rel, async () => next);
  if (refused) return err(refused);
  try {
    await atomicWrite(gate.abs, next);
    (s.written ??= new Set()).add(gate.rel);
  } catch (e) {
    // Like write_file: a read-only file is the model's problem to route around, not a crash.
    return err(`cannot write ${a.path}: ${(e as Error).message}`);
  }
  return { output: `edited ${gate.rel} (${n} replacement${n === 1 ? '' : 's'})`, wrote: gate.rel };
}

/** Own properties only: `toString`, `constructor`, `__proto__` are not tools. */
const isToolName = (name: string): name is ToolName => Object.hasOwn(toolArgs, name);

/**
 * Validate and run one tool call. Unknown tools and invalid arguments are error results
 * (the model sees them and can correct itself); the caller counts them. An abort of
 * `s.signal` ends the call at once with an error result (the work itself stops at its next
 * await; the test run is killed through the same signal).
 */
export async function executeTool(
  s: ToolSession,
  name: string,
  input: unknown,
): Promise<ToolOutcome & { invalid?: boolean }> {
  if (typeof name !== 'string' || !isToolName(name))
    return { ...err(`unknown tool "${String(name)}"; available: ${TOOL_NAMES.join(', ')}`), invalid: true };
  const parsed = toolArgs[name].safeParse(input ?? {});
  if (!parsed.success) {
    const why = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`)
      .join('; ');
    return { ...err(`invalid arguments for ${name}: ${why}`), invalid: true };
  }
  const signal = s.signal;
  if (!signal) return dispatch(s, name, parsed.data as Record<string, unknown>);
  if (signal.aborted) return err('interrupted');
  let onAbort = () => {};
  const aborted = new Promise<ToolOutcome>((resolve) => {
    onAbort = () => resolve(err('interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([dispatch(s, name, parsed.data as Record<string, unknown>), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function dispatch(s: ToolSession, name: ToolName, a: Record<string, unknown>): Promise<ToolOutcome> {
  switch (name) {
    case 'list_files':
      return listFiles(s, a.path as string | undefined);
    case 'read_file':
      return readFileTool(s, a.path as string);
    case 'write_file':
      return writeFileTool(s, a.path as string, a.content as string);
    case 'edit_file':
      return editFileTool(s, a as z.infer<typeof toolArgs.edit_file>);
    case 'run_tests':
      return s.runTests().then((r) => ({ output: `${r.ok ? 'PASSED' : 'FAILED'}\n${r.output}` }));
    case 'finish':
      return Promise.resolve({ output: 'ok', finished: { summary: a.summary as string } });
  }
}
