import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('ask')
    .description('send stdin and/or a prompt through a template to a model; the answer goes to stdout')
    .allowUnknownOption()
    .action(app.action('ask', () => notYet('ask')));
}
