import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('status')
    .description('show spec / plan / todo state and the next step')
    .allowUnknownOption()
    .action(app.action('status', () => notYet('status')));
}
