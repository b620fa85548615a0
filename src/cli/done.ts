import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('done')
    .description('test and integrate a step a person finished by hand')
    .allowUnknownOption()
    .action(app.action('done', () => notYet('done')));
}
