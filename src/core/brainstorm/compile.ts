import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import type { Context } from '../context.js';
import { WorkError } from '../errors.js';
import type { LlmClient } from '../llm/types.js';
import { unwrapDocument } from '../plan/draft.js';
import { loadTemplate, renderTemplate } from '../templates/index.js';
import { compileMessages } from './conversation.js';
import { stripSpecReady } from './marker.js';
import type { AnswerSource, BrainstormEvent, SessionState } from './types.js';

/** `spec.md` → the first free `spec.2.md`, `spec.3.md`, … */
export function numberedPath(path: string): string {
  const ext = extname(path);
  const stem = basename(path, ext);
  for (let n = 2; ; n++) {
    const candidate = join(dirname(path), `${stem}.${n}${ext}`);
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * Ask the model to compile the interview into the spec and write it atomically. An
 * existing file is replaced only with `force` (or a "yes" in a terminal); otherwise the
 * spec goes to spec.<n>.md and the event says so.
 */
export async function compileSpec(
  ctx: Context,
  llm: LlmClient,
  o: {
    state: SessionState;
    opening: { system?: string; prompt: string };
    model?: string;
    specPath: string;
    force: boolean;
    input: AnswerSource;
    emit: (e: BrainstormEvent) => void;
  },
): Promise<{ path: string; numbered: boolean }> {
  const template = await loadTemplate(ctx, 'spec');
  const compile = renderTemplate(template, { idea: o.state.idea });
  o.emit({ type: 'compiling' });
  const res = await llm.generate({
    role: 'brainstorm',
    model: o.model ?? template.model,
    system: o.opening.system,
    messages: compileMessages(o.opening.prompt, o.state.turns, o.state.done ?? 'user', compile.prompt),
    stream: true,
    onText: (delta) => o.emit({ type: 'spec-delta', delta }),
    signal: ctx.signal,
    command: ctx.command,
  });
  const spec = unwrapDocument(stripSpecReady(res.text));
  if (spec.trim() === '') throw new WorkError('the model returned an empty spec', { code: 'E_BRAINSTORM' });
  o.emit({ type: 'compiled', chars: spec.length });
  let path = o.specPath;
  let numbered = false;
  if (existsSync(path) && !o.force) {
    const overwrite = await o.input.confirm?.(`${relative(ctx.cwd, path)} already exists. Replace it?`);
    if (!overwrite) {
      path = numberedPath(path);
      numbered = true;
    }
  }
  await atomicWrite(path, spec);
  o.emit({ type: 'spec-written', path: relative(ctx.cwd, path), numbered });
  return { path, numbered };
}
