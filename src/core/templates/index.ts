/**
 * Prompt templates: markdown files with YAML front-matter, looked up
 * project (`.specloop/templates/`) > global (`$SPECLOOP_HOME/templates/`) > built-in.
 */
export { parseTemplateText, VARIABLE_NAME } from './front-matter.js';
export { listTemplates, loadTemplate, templateDirs, templatePath } from './lookup.js';
export { renderTemplate, requiredVariables, usedVariables } from './render.js';
export type { Template, TemplateDir, TemplateSource } from './types.js';
