import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import type { AnswerSource, BrainstormEvent } from '../brainstorm/index.js';
import type { Context } from '../context.js';
import { currentTree, type Drift, driftSince, withProvenance } from '../drift/index.js';
import { InterruptedError, isSpecloopError, UsageError, WorkError } from '../errors.js';
import { requireRepo } from '../git/index.js';
import { COMMIT_LINE_LABEL, fixesLine, type GithubApi } from '../github/index.js';
import { type DraftEvent, type DraftTotals, generatePlan, type Plan } from '../plan/index.js';
import { loadTemplate, renderTemplate } from '../templates/index.js';
import { testFileMatcher } from '../testfiles/index.js';
import { requestFromIssue, withFixesLine } from './change-request.js';
import { codeBudget } from './code-budget.js';
import { unknownPathProblems, untestedStepProblems } from './file-refs.js';
import { type ChangeContext, gatherContext } from './gather-context.js';
import { answersText, clarify, openChangeSession } from './questions.js';
import { requestTerms } from './request-terms.js';
import { freeSlug, slugFor } from './slug.js';

export type ChangeEvent =
  | {
      type: 'context';
      tokens: number;
      budget: number;
      files: number;
      focus: string[];
      whole: boolean;
      compressed: boolean;
    }
  | DraftEvent
  | { type: 'todo-fallback'; problems: string[] }
  | BrainstormEvent;

export interface ChangeOptions {
  request?: string;
  /** Start from this open GitHub issue (its commit closes it). */
  issue?: number;
  repo?: string;
  /** Globs of files to put in the context first. */
  include?: string[];
  tdd: boolean;
  model?: string;
  /** Ask clarifying questions through `input` (a terminal or an answers file). */
  questions: boolean;
  maxQuestions?: number;
  input?: AnswerSource;
  /** Continue the newest unfinished change session (or this id). */
  resume?: string | true;
  /** The plan's name: changes/<name>.md (default: from the request). */
  name?: string;
  force?: boolean;
  dryRun?: boolean;
  contextWindow?: number;
  tokenBudget?: number;
  /** `--compress`: outside the focus, signatures once the budget is tight (default `[pack] compress`). */
  compress?: boolean;
  onEvent?: (e: ChangeEvent) => void;
  /** Test seam for `--issue`. */
  githubApi?: GithubApi;
}

export interface ChangeResult {
  slug: string;
  planPath: string;
  todoPath: string;
  planText: string;
  todoText: string;
  plan: Plan;
  request: string;
  /** The tree id of the code the plan was made from (recorded in the plan). */
  tree?: string;
  context: Pick<ChangeContext, 'tokens' | 'packed' | 'left' | 'whole' | 'compressed' | 'packs'> & {
    focus: string[];
    budget: number;
  };
  answered: number;
  transcript?: string;
  written: boolean;
  totals: DraftTotals;
  /** spec.md's drift, when it records its commit and the code moved since. */
  specDrift?: Drift;
}

const QUESTIONS_DEFAULT = 3;

/**
 * `specloop change`: one change request → `changes/<slug>.md` + `changes/<slug>.todo.md`
 * in prompt_plan format, grounded in a pack of the repository: focus files first within
 * the model's context window, optional clarifying questions (resumable), plan and todo
 * validated and repaired like `plan`'s, and every file a step names checked against the
 * repository. Every input check happens before the first model call; nothing is written
 * unless both files are valid.
 */
export async function planChange(ctx: Context, o: ChangeOptions): Promise<ChangeResult> {
  const emit = o.onEvent ?? (() => {});
  const repo = await requireRepo(ctx.cwd, { env: ctx.env });
  const changesDir = join(repo, 'changes');
  const session =
    o.resume !== undefined ? await openChangeSession(ctx, { repo, resume: o.resume }) : undefined;
  let request = (session?.state.idea ?? o.request ?? '').trim();
  let fixes: string | undefined;
  if (o.issue !== undefined && session === undefined) {
    if (request) throw new UsageError('give either a request or --issue N, not both');
    const from = await requestFromIssue(ctx, { issue: o.issue, repo: o.repo, api: o.githubApi });
    request = from.text;
    fixes = `${COMMIT_LINE_LABEL}: ${fixesLine(o.issue)}`;
  }
  if (!request)
    throw new UsageError('no change request given', {
      code: 'E_NO_REQUEST',
      hint: 'specloop change "make camelCase keep digits", or --file request.md, or --issue 12',
    });
  const slug = sessionSlug(session?.state.output) ?? chooseSlug(changesDir, { ...o, request });
  const planRel = `changes/${slug}.md`;
  const todoRel = `changes/${slug}.todo.md`;
  const planPath = join(repo, planRel);
  const todoPath = join(repo, todoRel);

  const tests = await testFileMatcher({ root: repo, files: ctx.config.test.files });
  const llm = await ctx.llm();
  const template = await loadTemplate(ctx, 'change-plan');
  const model = llm.resolveModel({ model: o.model ?? template.model, role: 'plan' });
  const testing = (
    await loadTemplate(ctx, o.tdd ? 'change-testing-tdd' : 'change-testing-plain')
  ).body.trim();
  const vars = (context: string, focus: string, answers: string) => ({
    request,
    answers,
    focus,
    testing,
    context,
    file: planRel,
  });
  const rendered = renderTemplate(template, vars('', '', ''));
  // The answers to questions and the focus list are small; the margin covers them.
  const budget = await codeBudget(ctx, {
    model,
    frame: rendered.prompt + (rendered.system ?? ''),
    margin: 2000,
    contextWindow: o.contextWindow,
    tokenBudget: o.tokenBudget,
  });

  const gathered = await gatherContext(ctx, {
    root: repo,
    terms: requestTerms(request),
    include: o.include ?? [],
    budget,
    isTestFile: tests.isTestFile,
    compress: compressOption(o.compress, ctx.config.pack.compress),
  });
  emit({
    type: 'context',
    tokens: gathered.tokens,
    budget,
    files: gathered.packed.length,
    focus: gathered.focus.files,
    whole: gathered.whole,
    compressed: gathered.compressed,
  });
  const focus = gathered.focus.files.length
    ? gathered.focus.files.map((f) => `- ${f} (${gathered.focus.reasons[f]})`).join('\n')
    : '- (none found by name: read the code to find where the change belongs)';

  let active = session;
  let answers = session ? answersText(session.state) : '';
  if (o.questions && o.input && (o.maxQuestions ?? QUESTIONS_DEFAULT) > 0 && !session?.state.done) {
    active ??= await openChangeSession(ctx, { repo, request, planRel });
    const s = active;
    answers = await clarify(ctx, {
      session: s,
      context: gathered.text,
      max: o.maxQuestions ?? QUESTIONS_DEFAULT,
      model: o.model,
      input: o.input,
      emit,
    }).catch((err) => {
      if (!(err instanceof InterruptedError) && !ctx.signal.aborted) throw err;
      throw new InterruptedError(
        `interrupted — the questions are saved in ${relative(ctx.cwd, s.file)}\n  resume with: specloop change --resume ${s.state.id}`,
      );
    });
  }

  const resumeHint =
    active && `the questions are saved; plan again with: specloop change --resume ${active.state.id}`;
  const generated = await generatePlan(ctx, {
    spec: request,
    tdd: o.tdd,
    template: 'change-plan',
    vars: vars(gathered.text, focus, answers),
    checkPlan: (plan) => [
      ...unknownPathProblems(plan, gathered.known, planRel),
      ...(o.tdd ? untestedStepProblems(plan, planRel) : []),
    ],
    model: o.model,
    planFile: planRel,
    todoFile: todoRel,
    onEvent: emit,
  }).catch((err) => {
    if (resumeHint && isSpecloopError(err) && err.exitCode === 1)
      throw new WorkError(err.message, { code: err.code, hint: resumeHint, cause: err });
    throw err;
  });
  const tree = await currentTree(repo, ctx.env);
  let planText = generated.planText;
  if (fixes) planText = withFixesLine(planText, generated.plan.steps.at(-1)!.line, fixes);
  planText = withProvenance(planText, tree, 'top');
  if (!o.dryRun) {
    await atomicWrite(planPath, planText);
    await atomicWrite(todoPath, generated.todoText);
    await active?.record({ type: 'spec', path: planRel, at: ctx.clock.now() });
  }
  const specPath = join(repo, 'spec.md');
  const specDrift = existsSync(specPath)
    ? await driftSince(repo, await readFile(specPath, 'utf8'), { env: ctx.env })
    : undefined;
  return {
    slug,
    planPath,
    todoPath,
    planText,
    todoText: generated.todoText,
    plan: generated.plan,
    request,
    tree,
    context: {
      tokens: gathered.tokens,
      packed: gathered.packed,
      left: gathered.left,
      whole: gathered.whole,
      compressed: gathered.compressed,
      packs: gathered.packs,
      focus: gathered.focus.files,
      budget,
    },
    answered: active ? active.state.turns.filter((t) => t.answer !== undefined).length : 0,
    transcript: active?.file,
    written: !o.dryRun,
    totals: generated.totals,
    specDrift: specDrift?.stale ? specDrift : undefined,
  };
}

/** `--compress` turns it on for every file (or keeps `[pack] compress`'s globs); without it, the config decides. */
function compressOption(flag: boolean | undefined, config: boolean | string[]): boolean | string[] {
  if (!flag) return config;
  return Array.isArray(config) && config.length ? config : true;
}

function sessionSlug(output: string | undefined): string | undefined {
  return output?.replace(/^changes\//, '').replace(/\.md$/, '');
}

function chooseSlug(
  changesDir: string,
  o: Pick<ChangeOptions, 'name' | 'force'> & { request: string },
): string {
  if (!o.name) return freeSlug(changesDir, slugFor(o.request.replace(/^GitHub issue #\d+:\s*/, '')));
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(o.name))
    throw new UsageError(`--name "${o.name}" is not a plain file name`, {
      hint: 'use letters, digits, -, _ and .',
    });
  if (existsSync(join(changesDir, `${o.name}.md`)) && !o.force)
    throw new UsageError(`changes/${o.name}.md already exists`, {
      code: 'E_EXISTS',
      hint: 'pass --force to replace it, or choose another --name',
    });
  return o.name;
}
