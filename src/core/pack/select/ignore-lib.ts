import { createRequire } from 'node:module';
import type { Ignore, Options } from 'ignore';

type Factory = (options?: Options) => Ignore;
let factory: Factory | undefined;

/**
 * The `ignore` package, loaded on first use: a pack with no ignore file and no globs (a
 * warm pack of a plain tree, say) never needs it, and its start-up then skips the load.
 */
export function ignore(options?: Options): Ignore {
  factory ??= createRequire(import.meta.url)('ignore') as Factory;
  return factory(options);
}
