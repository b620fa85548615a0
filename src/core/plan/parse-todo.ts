import type { List, ListItem, Nodes, Paragraph } from 'mdast';
import { PlanFormatError } from './errors.js';
import { lineAt, parseMarkdown, spanOf } from './markdown.js';
import { boundsProblem } from './parse-bounds.js';
import { matchStepLabel } from './step-label.js';
import type { Todo, TodoItem, TodoSubItem } from './types.js';

/** The list marker and checkbox at the start of a task list item's source. */
const CHECKBOX = /^(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\]/;

/**
 * Parse todo.md: every task list item `- [ ] Step N: Title` is a step item (at any
 * nesting, except inside another step item); list items nested in it are its sub-items.
 * Odd items are reported in `problems`; only a file past the parse limits (parse-bounds.ts)
 * throws (exit 2). Each item carries the exact offset of its checkbox so {@link markStep}
 * can tick it without touching other bytes.
 */
export function parseTodo(text: string): Todo {
  const tooBig = boundsProblem(text);
  if (tooBig) throw new PlanFormatError([tooBig], { what: 'the todo file' });
  const { tree, shift } = parseMarkdown(text);
  const todo: Todo = { items: [], problems: [] };
  const visit = (nodes: Nodes[]) => {
    for (const node of nodes) {
      if (node.type === 'listItem') {
        const item = readItem(text, shift, node, todo);
        if (item) {
          todo.items.push(item);
          continue;
        }
      }
      if (node.type !== 'code' && 'children' in node) visit(node.children as Nodes[]);
    }
  };
  visit(tree.children);
  return todo;
}

function firstParagraphSource(text: string, shift: number, item: ListItem): string {
  const para = item.children[0];
  if (para?.type !== 'paragraph') return '';
  // mdast-util-gfm moves the paragraph start past the checkbox only when it begins with
  // plain text (not with `**Step 1:**`), so strip a leading checkbox ourselves.
  return text.slice(...spanOf(para as Paragraph, shift)).replace(/^\[[ xX]\][ \t]+/, '');
}

function readItem(text: string, shift: number, node: ListItem, todo: Todo): TodoItem | undefined {
  const label = matchStepLabel(firstParagraphSource(text, shift, node));
  if (!label) return undefined;
  const [start] = spanOf(node, shift);
  const line = lineAt(text, start);
  const box = CHECKBOX.exec(text.slice(start, start + 20));
  if (node.checked === null || node.checked === undefined || !box) {
    todo.problems.push({
      line,
      message: `"Step ${label.number}" has no checkbox (write it as "- [ ] Step ${label.number}: …")`,
    });
    return undefined;
  }
  return {
    number: label.number,
    title: label.title,
    done: node.checked,
    line,
    checkboxOffset: start + box[0].length - 2,
    subItems: subItemsOf(text, shift, node),
  };
}

function subItemsOf(text: string, shift: number, item: ListItem): TodoSubItem[] {
  const out: TodoSubItem[] = [];
  const walk = (lists: List[]) => {
    for (const list of lists) {
      for (const li of list.children) {
        out.push({
          text: firstParagraphSource(text, shift, li).replace(/\s+/g, ' ').trim(),
          done: li.checked === true,
          line: lineAt(text, spanOf(li, shift)[0]),
        });
        walk(li.children.filter((c): c is List => c.type === 'list'));
      }
    }
  };
  walk(item.children.filter((c): c is List => c.type === 'list'));
  return out;
}
