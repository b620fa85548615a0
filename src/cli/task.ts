import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('task')
    .description('run a named pipeline: pack → template → model → output file')
    .allowUnknownOption()
    .action(app.action('task', () => notYet('task')));
}
