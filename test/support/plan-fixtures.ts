import fc from 'fast-check';

/** Hand-written plan/todo texts and fast-check generators for the plan parsers' tests. */

export const VALID_PLAN = `# Word counter CLI

A tiny CLI that counts words in files. Built test-first in small steps.

## Step 1: Scaffold the package

Set up the project so later steps have a test runner.

\`\`\`text
Create package.json with a "test" script running vitest, and one passing smoke test.
\`\`\`

## Step 2: Count words in a string

Depends on: 1

\`\`\`text
Write failing tests for countWords(text), then implement it in src/count.ts.
\`\`\`

## Step 3: Read files

Depends on: 1

\`\`\`text
Write tests for readInputs(paths) and implement it.
\`\`\`

## Step 4: Wire the CLI

Depends on: 2, 3

\`\`\`text
Add bin/wc.js that reads the files and prints the counts; test it end to end.
\`\`\`
`;

export const VALID_TODO = `# Todo

- [ ] Step 1: Scaffold the package
  - [ ] package.json with a test script
  - [ ] smoke test passes
- [ ] Step 2: Count words in a string
  - [ ] tests for empty input
- [ ] Step 3: Read files
- [ ] Step 4: Wire the CLI
  - [ ] end-to-end test
`;

const word = fc.stringMatching(/^[A-Za-z][a-z0-9]{0,7}$/);

export const title = fc
  .array(word, { minLength: 1, maxLength: 6 })
  .map((ws) => ws.join(' '))
  .filter((t) => !/^step\b/i.test(t));

/** Paragraph prose that cannot be mistaken for a heading, list, fence or `Depends on:` line. */
const paragraph = fc
  .array(word, { minLength: 1, maxLength: 12 })
  .map((ws) => ws.join(' '))
  .filter((p) => !/^(depends|step)\b/i.test(p));

/** Prompt text: arbitrary-ish lines, including ones that look like plan syntax (they are inside a fence). */
const promptLine = fc.oneof(
  paragraph,
  fc.constantFrom(
    '## Step 9: not a real step',
    'Depends on: 7',
    '```ts',
    '```',
    '- [ ] Step 1: inside a prompt',
    '    indented code',
    '',
  ),
  fc.string({
    unit: fc.constantFrom('a', 'b', ' ', '`', '#', '*', '-', '>', '[', ']', 'é', '😀'),
    maxLength: 20,
  }),
);

export const prompt = fc
  .array(promptLine, { minLength: 1, maxLength: 8 })
  .map((ls) =>
    ls
      .map((l) => l.trimEnd())
      .join('\n')
      .replace(/^\n+|\n+$/g, ''),
  )
  .filter((p) => p.trim() !== '');

export interface GenStep {
  number: number;
  title: string;
  context: string;
  prompt: string;
  dependsOn: number[];
}

/** A plan as data: steps 1..n, each depending on a random subset of earlier steps (a DAG by construction). */
export const planData = fc
  .record({
    overview: fc.option(paragraph, { nil: undefined }),
    steps: fc.array(
      fc.record({
        title,
        context: fc.array(paragraph, { maxLength: 3 }).map((ps) => ps.join('\n\n')),
        prompt,
        deps: fc.option(fc.array(fc.nat(30), { maxLength: 3 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map(({ overview, steps }) => ({
    overview: overview ? `# Project\n\n${overview}` : '',
    steps: steps.map(
      (s, i): GenStep => ({
        number: i + 1,
        title: s.title,
        context: s.context,
        prompt: s.prompt,
        dependsOn:
          s.deps === undefined || i === 0
            ? i === 0
              ? []
              : [i]
            : [...new Set(s.deps.map((d) => (d % i) + 1))].sort((a, b) => a - b),
      }),
    ),
  }));

export interface GenTodoItem {
  number: number;
  title: string;
  done: boolean;
  subItems: { text: string; done: boolean }[];
}

/** A todo.md in one of several real-world spellings (markers, X/x, CRLF, noise between items). */
export const todoFile = fc
  .record({
    items: fc.array(
      fc.record({
        title,
        done: fc.boolean(),
        upper: fc.boolean(),
        subItems: fc.array(fc.record({ text: paragraph, done: fc.boolean() }), { maxLength: 3 }),
        noise: fc.option(fc.constantFrom('## Chunk', 'Some notes here.', '> quoted aside'), {
          nil: undefined,
        }),
      }),
      { minLength: 1, maxLength: 10 },
    ),
    marker: fc.constantFrom('-', '*', '+', '1.'),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    heading: fc.constantFrom('# Todo', '# TODO — project', ''),
  })
  .map(({ items, marker, crlf, bom, heading }) => {
    const lines: string[] = heading ? [heading, ''] : [];
    const gen: GenTodoItem[] = [];
    items.forEach((it, i) => {
      if (it.noise) lines.push('', it.noise, '');
      const box = it.done ? (it.upper ? 'X' : 'x') : ' ';
      lines.push(`${marker} [${box}] Step ${i + 1}: ${it.title}`);
      const indent = ' '.repeat(marker.length + 1);
      for (const sub of it.subItems) lines.push(`${indent}- [${sub.done ? 'x' : ' '}] ${sub.text}`);
      gen.push({ number: i + 1, title: it.title, done: it.done, subItems: it.subItems });
    });
    const body = `${lines.join('\n')}\n`;
    const text = (bom ? '\uFEFF' : '') + (crlf ? body.replace(/\n/g, '\r\n') : body);
    return { text, items: gen };
  });
