import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('idea')
    .description('brainstorm an idea one question at a time, then compile spec.md')
    .allowUnknownOption()
    .action(app.action('idea', () => notYet('idea')));
}
