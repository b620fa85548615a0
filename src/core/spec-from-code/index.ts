/** `specloop spec --from-code`: spec.md describing an existing codebase as it is. */
export { SPEC_SECTIONS, specProblems } from './sections.js';
export { type SpecFromCodeOptions, type SpecFromCodeResult, specFromCode } from './write-spec.js';
