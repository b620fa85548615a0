import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('run')
    .description('execute the plan step by step: agent, tests, one commit per green step')
    .allowUnknownOption()
    .action(app.action('run', () => notYet('run')));
}
