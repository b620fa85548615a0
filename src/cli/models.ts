import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('models')
    .description('list providers, configured roles and known model prices')
    .allowUnknownOption()
    .action(app.action('models', () => notYet('models')));
}
