import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('team')
    .description('team mode: status of claims and steps on the shared remote; release a claim')
    .allowUnknownOption()
    .action(app.action('team', () => notYet('team')));
}
