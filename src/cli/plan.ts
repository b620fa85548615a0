import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('plan')
    .description('turn spec.md into prompt_plan.md and todo.md')
    .allowUnknownOption()
    .action(app.action('plan', () => notYet('plan')));
}
