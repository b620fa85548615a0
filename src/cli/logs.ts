import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('logs')
    .description('show the model call log (SQLite)')
    .allowUnknownOption()
    .action(app.action('logs', () => notYet('logs')));
}
