import type { RegisterFn } from './app.js';
import { register as ask } from './ask.js';
import { register as board } from './board.js';
import { register as change } from './change.js';
import { register as claim } from './claim.js';
import { register as completion } from './completion.js';
import { register as doctor } from './doctor.js';
import { register as done } from './done.js';
import { register as idea } from './idea.js';
import { register as init } from './init.js';
import { register as issues } from './issues.js';
import { register as keys } from './keys.js';
import { register as logs } from './logs.js';
import { register as mcp } from './mcp.js';
import { register as models } from './models.js';
import { register as pack } from './pack.js';
import { register as plan } from './plan.js';
import { register as run } from './run.js';
import { register as show } from './show.js';
import { register as spec } from './spec.js';
import { register as status } from './status.js';
import { register as task } from './task.js';
import { register as team } from './team.js';
import { register as templates } from './templates.js';
import { register as trust } from './trust.js';
import { register as undo } from './undo.js';

/** Every command, in help order (the workflow's order). */
export const COMMANDS: RegisterFn[] = [
  init,
  idea,
  plan,
  run,
  status,
  show,
  pack,
  ask,
  task,
  issues,
  templates,
  models,
  keys,
  logs,
  team,
  claim,
  done,
  doctor,
  completion,
  undo,
  mcp,
  change,
  spec,
  trust,
  board,
];
