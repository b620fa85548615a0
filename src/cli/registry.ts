import type { RegisterFn } from './app.js';

/**
 * A command and the module that registers it. Modules are imported only when needed: a run
 * of one command loads that command's module alone (main.ts `commandsFor`), since loading
 * every module and what it imports cost each start ~15 ms.
 */
export interface CommandModule {
  /** What the module registers (`program.command(name)`), test/cli/registry.test.ts checks. */
  name: string;
  load: () => Promise<{ register: RegisterFn }>;
  /** It reads the other commands (`completion` lists them): it runs with all of them registered. */
  needsAll?: boolean;
}

/** Every command, in help order (the workflow's order). */
export const COMMANDS: CommandModule[] = [
  { name: 'init', load: () => import('./init.js') },
  { name: 'idea', load: () => import('./idea.js') },
  { name: 'plan', load: () => import('./plan.js') },
  { name: 'run', load: () => import('./run.js') },
  { name: 'status', load: () => import('./status.js') },
  { name: 'show', load: () => import('./show.js') },
  { name: 'pack', load: () => import('./pack.js') },
  { name: 'ask', load: () => import('./ask.js') },
  { name: 'task', load: () => import('./task.js') },
  { name: 'issues', load: () => import('./issues.js') },
  { name: 'templates', load: () => import('./templates.js') },
  { name: 'models', load: () => import('./models.js') },
  { name: 'keys', load: () => import('./keys.js') },
  { name: 'logs', load: () => import('./logs.js') },
  { name: 'team', load: () => import('./team.js') },
  { name: 'claim', load: () => import('./claim.js') },
  { name: 'done', load: () => import('./done.js') },
  { name: 'doctor', load: () => import('./doctor.js') },
  { name: 'completion', load: () => import('./completion.js'), needsAll: true },
  { name: 'undo', load: () => import('./undo.js') },
  { name: 'mcp', load: () => import('./mcp.js') },
  { name: 'change', load: () => import('./change.js') },
  { name: 'spec', load: () => import('./spec.js') },
  { name: 'trust', load: () => import('./trust.js') },
  { name: 'board', load: () => import('./board.js') },
];
