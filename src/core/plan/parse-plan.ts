import type { Code, Heading, Nodes, Paragraph, RootContent } from 'mdast';
import { stripProvenance } from '../drift/provenance.js';
import { checkDag, matchDependsLine, parseDependsList } from './dag.js';
import { PlanFormatError } from './errors.js';
import { lineAt, parseMarkdown, spanOf } from './markdown.js';
import { boundsProblem } from './parse-bounds.js';
import { matchStepLabel } from './step-label.js';
import type { Plan, PlanProblem, PlanStep } from './types.js';

const PROMPT_LANGS = new Set(['text', 'txt']);

interface Section {
  heading: Heading;
  number: number;
  title: string;
  nodes: RootContent[];
  /** Source span of the section body (after the heading line, up to the next section). */
  body: [number, number];
}

/**
 * Parse prompt_plan.md: optional overview, then `## Step N: Title` sections each with
 * context prose, an optional `Depends on: 1, 3` line and exactly one ```text prompt.
 * Throws {@link PlanFormatError} listing every problem (with line numbers), including
 * unknown dependencies and cycles.
 */
export function parsePlan(text: string, opts: { file?: string } = {}): Plan {
  const { plan, problems } = inspectPlan(text);
  if (problems.length > 0) throw new PlanFormatError(problems, { file: opts.file, what: 'the plan' });
  return plan;
}

/** Like {@link parsePlan} but returns the problems instead of throwing (for repair prompts and status). */
export function inspectPlan(text: string): { plan: Plan; problems: PlanProblem[] } {
  const tooBig = boundsProblem(text);
  if (tooBig) return { plan: { overview: '', steps: [] }, problems: [tooBig] };
  const { tree, shift } = parseMarkdown(text);
  const problems: PlanProblem[] = [];
  const sections = findSections(text, tree.children, shift);
  const firstStart = sections[0] ? spanOf(sections[0].heading, shift)[0] : text.length;
  // The commit a plan was made from is for `status`, not for the executor's prompt.
  const overview = stripProvenance(text.slice(shift, firstStart)).trim();
  if (text.trim() === '') problems.push({ message: 'the file is empty' });
  else if (sections.length === 0)
    problems.push({ message: 'no step sections found: expected headings like "## Step 1: Title"' });

  const steps: PlanStep[] = [];
  sections.forEach((sec, i) => {
    const line = lineAt(text, spanOf(sec.heading, shift)[0]);
    if (sec.number !== i + 1)
      problems.push({
        line,
        message: `expected "Step ${i + 1}" here, found "Step ${sec.number}" (steps are numbered 1, 2, 3… in order)`,
      });
    if (!sec.title) problems.push({ line, message: `Step ${sec.number} has no title` });
    steps.push(readStep(text, shift, sec, line, steps, problems));
  });
  if (problems.length === 0) problems.push(...checkDag(steps));
  return { plan: { overview, steps }, problems };
}

function headingSource(text: string, h: Heading, shift: number): string {
  if (h.children.length === 0) return '';
  const start = spanOf(h.children[0]!, shift)[0];
  const end = spanOf(h.children[h.children.length - 1]!, shift)[1];
  return text.slice(start, end);
}

function findSections(text: string, nodes: RootContent[], shift: number): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  const close = (end: number) => {
    if (current) current.body[1] = end;
    current = undefined;
  };
  for (const node of nodes) {
    if (node.type === 'heading') {
      const label = matchStepLabel(headingSource(text, node, shift));
      const [start, end] = spanOf(node, shift);
      if (label) {
        close(start);
        current = { heading: node, ...label, nodes: [], body: [end, text.length] };
        sections.push(current);
        continue;
      }
      // A heading at the step's level or above (e.g. "## Notes") ends the step.
      if (current && node.depth <= current.heading.depth) close(start);
    }
    current?.nodes.push(node);
  }
  close(text.length);
  return sections;
}

function descendants(nodes: Nodes[], out: Nodes[] = []): Nodes[] {
  for (const n of nodes) {
    out.push(n);
    if ('children' in n) descendants(n.children as Nodes[], out);
  }
  return out;
}

function readStep(
  text: string,
  shift: number,
  sec: Section,
  line: number,
  previous: PlanStep[],
  problems: PlanProblem[],
): PlanStep {
  const all = descendants(sec.nodes as Nodes[]);
  const prompts = all.filter(
    (n): n is Code => n.type === 'code' && PROMPT_LANGS.has((n.lang ?? '').toLowerCase()),
  );
  const cut: [number, number][] = [];
  let prompt = '';
  if (prompts.length === 0) {
    problems.push({ line, message: `Step ${sec.number} has no \`\`\`text prompt block` });
  } else if (prompts.length > 1) {
    const lines = prompts.map((p) => lineAt(text, spanOf(p, shift)[0])).join(', ');
    problems.push({
      line,
      message: `Step ${sec.number} has ${prompts.length} \`\`\`text blocks (lines ${lines}); it needs exactly one`,
    });
  } else {
    const code = prompts[0]!;
    const span = spanOf(code, shift);
    cut.push(span);
    prompt = code.value.replace(/\r\n/g, '\n');
    if (!isClosedFence(text.slice(...span)))
      problems.push({
        line: lineAt(text, span[0]),
        message: `the \`\`\`text block of Step ${sec.number} is never closed`,
      });
    else if (prompt.trim() === '')
      problems.push({ line: lineAt(text, span[0]), message: `the prompt of Step ${sec.number} is empty` });
  }

  let dependsOn: number[] | undefined;
  for (const para of all.filter((n): n is Paragraph => n.type === 'paragraph')) {
    const [start, end] = spanOf(para, shift);
    let offset = start;
    for (const raw of text.slice(start, end).split('\n')) {
      const list = matchDependsLine(raw.replace(/^>\s?/, ''));
      if (list !== undefined) {
        const depLine = lineAt(text, offset);
        const parsed = parseDependsList(list);
        if (typeof parsed === 'string') problems.push({ line: depLine, message: parsed });
        else if (dependsOn !== undefined)
          problems.push({
            line: depLine,
            message: `Step ${sec.number} has more than one "Depends on:" line`,
          });
        else dependsOn = parsed;
        cut.push([offset, offset + raw.length]);
      }
      offset += raw.length + 1;
    }
  }
  const prev = previous[previous.length - 1];
  return {
    number: sec.number,
    title: sec.title,
    prompt,
    context: contextOf(text, sec.body, cut),
    dependsOn: dependsOn ?? (prev ? [prev.number] : []),
    explicitDeps: dependsOn !== undefined,
    line,
  };
}

/** A fenced block's source ends with a closing fence line (micromark runs an unclosed one to the end). */
function isClosedFence(src: string): boolean {
  const lines = src.replace(/\r/g, '').trimEnd().split('\n');
  if (lines.length < 2) return false;
  const open = /^\s*(`{3,}|~{3,})/.exec(lines[0]!);
  const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[lines.length - 1]!);
  return Boolean(open && close && close[1]![0] === open[1]![0] && close[1]!.length >= open[1]!.length);
}

function contextOf(text: string, body: [number, number], cut: [number, number][]): string {
  let out = '';
  let pos = body[0];
  for (const [s, e] of [...cut].sort((a, b) => a[0] - b[0])) {
    out += text.slice(pos, s);
    pos = Math.max(pos, e);
  }
  out += text.slice(pos, body[1]);
  return out
    .replace(/\r\n/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
