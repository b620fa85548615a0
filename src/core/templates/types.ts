import type { Role } from '../llm/types.js';

/** Where a template was found, highest precedence first. */
export type TemplateSource = 'project' | 'global' | 'built-in';

/** A prompt template: a markdown file with optional YAML front-matter. */
export interface Template {
  name: string;
  source: TemplateSource;
  /** Absolute path of the file it was read from. */
  path: string;
  description?: string;
  /** System prompt; may use `{{vars}}` like the body. */
  system?: string;
  /** Default `provider:model` for this template (a `-m` flag wins). */
  model?: string;
  /** Default role, used to pick the model from config when `model` is not set. */
  role?: Role;
  /** Declared variable names (`input` = stdin). Every `{{x}}` used in the text is required too. */
  variables: string[];
  /** Internal prompts (used by specloop commands) are hidden from `templates list` unless `--all`. */
  internal: boolean;
  /** The prompt text after the front-matter. */
  body: string;
}

/** One directory of the lookup order. */
export interface TemplateDir {
  source: TemplateSource;
  dir: string;
  exists: boolean;
}
