import { appendFileSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SPEC_READY, SPEC_TEXT, transcriptRecords } from '../support/plan-brainstorm.js';
import { type planProject as PP, planProject } from '../support/plan-cli.js';

const Q1 = 'Who will use it, and on which platforms?';
const Q2 = 'Which banks should the CSV import support first?';
const Q3 = 'How should the report be delivered?';
const NO_RETRY = { 'specloop.toml': '[llm]\nmaxRetries = 0\n' };

describe('specloop idea', () => {
  let project: Awaited<ReturnType<typeof PP>> | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });
  const setup = async (replies: Parameters<typeof PP>[0]['replies'], files: Record<string, string> = {}) =>
    (project = await planProject({ replies, files }));
  const userMessages = (p: Awaited<ReturnType<typeof PP>>, i: number) =>
    p.fake.requests[i]!.messages.filter((m) => m.role === 'user').map((m) => m.content);

  it('asks one question per turn from --answers, then compiles spec.md', async () => {
    const answers = 'Just me, on Linux.\n\nING and Revolut,\nboth CSV.\n';
    const p = await setup([Q1, Q2, SPEC_READY, SPEC_TEXT], { 'answers.txt': answers });
    const r = await p.run(['idea', 'a budget CLI', '--answers', 'answers.txt']);
    expect(r.code, r.stderr).toBe(0);
    expect(p.read('spec.md')).toBe(SPEC_TEXT);
    expect(r.stderr).toContain(`Q1 ${Q1}`);
    expect(r.stderr).toContain('› ING and Revolut,\n› both CSV.');
    expect(r.stderr).not.toContain(SPEC_READY);
    expect(r.stdout).toBe('');
    expect(p.fake.requests).toHaveLength(4);
    expect(userMessages(p, 0)[0]).toContain('a budget CLI');
    expect(userMessages(p, 2)).toEqual([
      expect.any(String),
      'Just me, on Linux.',
      'ING and Revolut,\nboth CSV.',
    ]);
    expect(p.fake.requests[3]!.messages.at(-1)!.content).toMatch(/Compile everything/);
    expect(p.fake.requests.every((q) => q.model === 'gpt-4o-mini')).toBe(true);
  });

  it('saves every turn to .specloop/brainstorm/<id>.jsonl', async () => {
    const p = await setup([Q1, SPEC_READY, SPEC_TEXT]);
    const r = await p.run(['idea', 'a budget CLI'], { stdin: 'Just me.\n' });
    expect(r.code, r.stderr).toBe(0);
    const { records } = transcriptRecords(p.dir);
    expect(records.map((x) => x.type)).toEqual(['start', 'question', 'answer', 'done', 'spec']);
    expect(records[0]).toMatchObject({ idea: 'a budget CLI' });
    expect(records[1]).toMatchObject({ n: 1, text: Q1 });
    expect(records[2]).toMatchObject({ n: 1, text: 'Just me.' });
    expect(records[3]).toMatchObject({ reason: 'model' });
    expect(records[4]).toMatchObject({ path: 'spec.md' });
    // The model ended the interview instead of asking: no empty `Q2` counter is shown.
    expect(r.stderr).not.toMatch(/Q2/);
    expect(r.stderr).toContain('questions done after 1 answer: the model has what it needs');
    expect(r.stderr).toContain('then `specloop plan`');
  });

  it('reads answers from a non-TTY stdin; when they run out the spec is compiled', async () => {
    const p = await setup([Q1, Q2, SPEC_TEXT]);
    const r = await p.run(['idea', 'a budget CLI'], { stdin: 'Just me.\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('no more answers in the input');
    const last = p.fake.requests[2]!.messages;
    expect(last.at(-2)).toEqual({ role: 'assistant', content: Q2 });
    expect(last.at(-1)!.content).toMatch(/^Let's stop the questions here\./);
    expect(p.read('spec.md')).toBe(SPEC_TEXT);
  });

  it('/skip tells the model to choose a default; /done stops', async () => {
    const p = await setup([Q1, Q2, SPEC_TEXT]);
    const r = await p.run(['idea', 'x'], { stdin: '/skip\n\n/done\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(userMessages(p, 1)[1]).toMatch(/skipping this one: pick a sensible default/);
    expect(r.stderr).toContain('you stopped the questions');
    expect(p.fake.requests).toHaveLength(3);
  });

  it('/back re-asks the previous question without a model call and replaces the answer', async () => {
    const p = await setup([Q1, Q2, Q3, SPEC_READY, SPEC_TEXT]);
    const r = await p.run(['idea', 'x'], { stdin: 'first try\n\n/back\n\nsecond try\n\nING\n\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(p.fake.requests).toHaveLength(5);
    expect(userMessages(p, 2).slice(1)).toEqual(['second try']);
    expect(userMessages(p, 3).slice(1)).toEqual(['second try', 'ING']);
    expect(r.stderr).toContain(`Q1 ${Q1}`);
  });

  it('/show prints the transcript so far and /help the commands', async () => {
    const p = await setup([Q1, Q2, SPEC_TEXT]);
    const r = await p.run(['idea', 'x'], { stdin: 'Me.\n\n/show\n\n/help\n\n/done\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('so far:');
    expect(r.stderr).toContain('  → Me.');
    expect(r.stderr).toContain('/back   go back');
  });

  it('--max-questions stops after that many answers', async () => {
    const p = await setup([Q1, SPEC_TEXT]);
    const r = await p.run(['idea', 'x', '--max-questions', '1'], { stdin: 'a\n\nb\n\nc\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('reached --max-questions');
    expect(p.fake.requests).toHaveLength(2);
  });

  it('an existing spec.md is kept: the spec goes to spec.2.md and the output says so', async () => {
    const p = await setup([Q1, SPEC_TEXT], { 'spec.md': 'mine\n' });
    const r = await p.run(['idea', 'x'], { stdin: '/done\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(p.read('spec.md')).toBe('mine\n');
    expect(p.read('spec.2.md')).toBe(SPEC_TEXT);
    expect(r.stderr).toContain('the spec went to spec.2.md');
    expect(r.stderr).toContain('then `specloop plan --spec spec.2.md`');
  });

  it('--force replaces spec.md; -o writes elsewhere', async () => {
    const p = await setup([Q1, SPEC_TEXT, Q1, SPEC_TEXT], { 'spec.md': 'mine\n' });
    expect((await p.run(['idea', 'x', '--force'], { stdin: '/done\n' })).code).toBe(0);
    expect(p.read('spec.md')).toBe(SPEC_TEXT);
    expect((await p.run(['idea', 'y', '-o', 'docs/spec.md'], { stdin: '/done\n' })).code).toBe(0);
    expect(p.read('docs/spec.md')).toBe(SPEC_TEXT);
  });

  it('--json prints the outcome on stdout (and only that)', async () => {
    const p = await setup([Q1, SPEC_READY, SPEC_TEXT], { 'answers.txt': 'Me.\n' });
    const r = await p.run(['idea', 'x', '--answers', 'answers.txt', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ spec: 'spec.md', numbered: false, answered: 1, reason: 'model' });
    expect(out.transcript).toBe(`.specloop/brainstorm/${out.id}.jsonl`);
    expect(p.read(out.transcript)).toContain('"type":"spec"');
  });

  it('--file reads the idea from a file', async () => {
    const p = await setup([Q1, SPEC_TEXT], { 'idea.md': 'A tool that waters my plants.\n' });
    const r = await p.run(['idea', '--file', 'idea.md'], { stdin: '/done\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(userMessages(p, 0)[0]).toContain('A tool that waters my plants.');
  });

  it('a model failure mid-brainstorm keeps the transcript, exits 1 with the resume command', async () => {
    const p = await setup([Q1, { fault: '500' }], NO_RETRY);
    const r = await p.run(['idea', 'x'], { stdin: 'Just me.\n\n' });
    expect(r.code).toBe(1);
    const { records } = transcriptRecords(p.dir);
    expect(r.stderr).toContain(`specloop idea --resume ${records[0]!.id}`);
    expect(records.map((x) => x.type)).toEqual(['start', 'question', 'answer']);
  });

  it('--resume continues exactly where it stopped', async () => {
    const p = await setup([Q1, { fault: '500' }, Q2, SPEC_READY, SPEC_TEXT], NO_RETRY);
    expect((await p.run(['idea', 'x'], { stdin: 'Just me.\n\n' })).code).toBe(1);
    const r = await p.run(['idea', '--resume'], { stdin: 'ING.\n\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('(resumed, 1 answered)');
    expect(userMessages(p, 3).slice(1)).toEqual(['Just me.', 'ING.']);
    expect(p.read('spec.md')).toBe(SPEC_TEXT);
  });

  it('--resume re-asks a question that was saved but not answered, without a model call', async () => {
    const records = [
      { type: 'start', id: '20250101-000000-abcd', idea: 'a budget CLI', at: 1 },
      { type: 'question', n: 1, text: Q1, at: 2 },
    ];
    const p = await setup([SPEC_READY, SPEC_TEXT], {
      '.specloop/brainstorm/20250101-000000-abcd.jsonl': records
        .map((x) => `${JSON.stringify(x)}\n`)
        .join(''),
    });
    const r = await p.run(['idea', '--resume', '20250101'], { stdin: 'Just me.\n\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Q1 ${Q1}`);
    expect(p.fake.requests).toHaveLength(2);
    expect(userMessages(p, 0)).toEqual([expect.stringContaining('a budget CLI'), 'Just me.']);
  });

  it('a torn last transcript line (kill -9 mid-write) is dropped on resume', async () => {
    const p = await setup([Q1, { fault: '500' }, Q2, SPEC_READY, SPEC_TEXT], NO_RETRY);
    await p.run(['idea', 'x'], { stdin: 'Just me.\n\n' });
    const { file } = transcriptRecords(p.dir);
    appendFileSync(file, '{"type":"answer","n":2,"te');
    const r = await p.run(['idea', '--resume'], { stdin: 'ING.\n\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('"te\n');
    expect(transcriptRecords(p.dir).records.at(-1)).toMatchObject({ type: 'spec' });
  });

  it('without an idea and without a terminal: exit 2 with a hint', async () => {
    const p = await setup([]);
    const r = await p.run(['idea']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no idea given');
    expect(p.fake.requests).toHaveLength(0);
  });

  it('--resume with nothing to resume, or with an idea too: exit 2', async () => {
    const p = await setup([]);
    expect((await p.run(['idea', '--resume'])).stderr).toContain('no unfinished brainstorm to resume');
    const both = await p.run(['idea', 'x', '--resume']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });
});
