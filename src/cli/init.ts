import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('init')
    .description('write a commented specloop.toml (test command detected) and ignore .specloop/')
    .allowUnknownOption()
    .action(app.action('init', () => notYet('init')));
}
