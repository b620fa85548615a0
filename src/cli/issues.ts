import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('issues')
    .description('post generated issues to GitHub, or pull open issues as runnable prompts')
    .allowUnknownOption()
    .action(app.action('issues', () => notYet('issues')));
}
