import { join, resolve } from 'node:path';
import { type Context, rootOf } from '../core/context.js';

/**
 * A file a flag names, or its default at the project root: a path the user typed is
 * relative to where they stand; a default is the project's file, from any subdirectory.
 */
export function projectFile(ctx: Context, given: string | undefined, fallback: string): string {
  return given !== undefined ? resolve(ctx.cwd, given) : join(rootOf(ctx), fallback);
}
