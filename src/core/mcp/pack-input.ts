import { z } from 'zod';
import { packSchema } from '../config/schema.js';

/**
 * The pack tool's arguments are the `[pack]` config keys (so a new pack option, such as
 * `compress`, reaches editor agents without touching this server), all optional, minus the
 * ones that make no sense here or must stay the project's choice.
 */
const LEFT_OUT = new Set([
  'output', // the tool's own `output` decides between returning and writing
  'splitTokens', // several files: use `specloop pack --split-tokens`
  'cache',
  'securityCheck', // files with secrets stay out of an agent's context
]);

const DESCRIBE: Record<string, string> = {
  include: 'only files matching these (gitignore-style globs, e.g. "src/**/*.ts")',
  ignore: 'also leave out files matching these (gitignore-style globs)',
  style: 'output style',
  tokenBudget: 'drop the least relevant / largest files until the pack fits this many tokens',
  lineNumbers: 'prefix every line with its number',
  removeComments: 'strip comments from source files',
  gitDiff: 'add the working-tree and staged diffs',
  gitLog: 'add the last N commits',
  compress: 'keep only signatures and structure of source files (true, or a list of globs)',
};

const unwrap = (s: z.ZodType): z.ZodType => (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : s);

export const packInput = {
  dirs: z.array(z.string().min(1)).optional().describe('directories to pack (default: the project)'),
  output: z.string().min(1).optional().describe('write the pack to this file instead of returning it'),
  ...Object.fromEntries(
    Object.entries(packSchema.shape as Record<string, z.ZodType>)
      .filter(([k]) => !LEFT_OUT.has(k))
      .map(([k, s]) => [
        k,
        unwrap(s)
          .optional()
          .describe(DESCRIBE[k] ?? `as \`[pack] ${k}\` in specloop.toml`),
      ]),
  ),
} as z.ZodRawShape;
