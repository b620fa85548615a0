import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('templates')
    .description('list, show or locate prompt templates')
    .allowUnknownOption()
    .action(app.action('templates', () => notYet('templates')));
}
