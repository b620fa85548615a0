import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('keys')
    .description('store API keys (mode 0600); environment variables win')
    .allowUnknownOption()
    .action(app.action('keys', () => notYet('keys')));
}
