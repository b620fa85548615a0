/** One `## Step N: Title` section of prompt_plan.md. */
export interface PlanStep {
  /** 1-based; steps are numbered 1..n in file order. */
  number: number;
  title: string;
  /** The one fenced ```text block: what the executor is asked to do. */
  prompt: string;
  /** Prose of the section around the prompt (without the heading and the `Depends on:` line). */
  context: string;
  /** Steps that must be done first. No `Depends on:` line ⇒ the previous step (step 1 ⇒ []). */
  dependsOn: number[];
  /** True when the section carried an explicit `Depends on:` line. */
  explicitDeps: boolean;
  /** 1-based line of the step heading. */
  line: number;
}

export interface Plan {
  /** Markdown before the first step (title + overview), trimmed. */
  overview: string;
  steps: PlanStep[];
}

export interface TodoSubItem {
  text: string;
  done: boolean;
  line: number;
}

/** One `- [ ] Step N: Title` item of todo.md. */
export interface TodoItem {
  number: number;
  title: string;
  done: boolean;
  /** 1-based line of the item. */
  line: number;
  /** Offset (UTF-16 index into the original text) of the character inside `[ ]`. */
  checkboxOffset: number;
  subItems: TodoSubItem[];
}

export interface Todo {
  items: TodoItem[];
  /** Things that look wrong but do not stop parsing (e.g. a step item without a checkbox). */
  problems: PlanProblem[];
}

export interface PlanProblem {
  /** 1-based line, when the problem has a place in the file. */
  line?: number;
  message: string;
}
