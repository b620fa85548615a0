import { UsageError } from '../core/errors.js';

/** Placeholder body for a command whose capability has not landed yet: exit 2, say so. */
export async function notYet(name: string): Promise<never> {
  throw new UsageError(`\`specloop ${name}\` is not yet available in this version`, { code: 'E_NOT_YET' });
}
