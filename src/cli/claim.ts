import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('claim')
    .description('reserve a plan step for a person working by hand')
    .allowUnknownOption()
    .action(app.action('claim', () => notYet('claim')));
}
