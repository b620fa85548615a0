import type { Command } from 'commander';
import type { App } from './app.js';
import { notYet } from './not-yet.js';

export function register(program: Command, app: App): void {
  program
    .command('pack')
    .description('pack the repository into one LLM-ready file with exact token counts')
    .allowUnknownOption()
    .action(app.action('pack', () => notYet('pack')));
}
