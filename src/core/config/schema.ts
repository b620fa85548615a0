import { z } from 'zod';

/**
 * The whole configuration, every key optional in files and filled with defaults here.
 * Layering (lowest first): defaults < global config.toml < nearest specloop.toml < env < flags.
 *
 * Each default is written once, at its key: a table (not a map) absent from the files is
 * `.prefault({})`, the empty table parsed through its keys. A literal `.default({...})` beside
 * a table would repeat every key's default, and zod only shallow-copies it, so its arrays
 * would be shared by every parse. defaults.ts holds the same facts as plain data, for start-up
 * without zod (test/core/config/defaults.test.ts keeps them equal).
 */
const packSchema = z
  .object({
    style: z.enum(['xml', 'markdown', 'plain', 'json']).default('xml'),
    output: z.string().default('output.txt'),
    include: z.array(z.string()).default([]),
    ignore: z.array(z.string()).default([]),
    gitignore: z.boolean().default(true),
    defaultIgnore: z.boolean().default(true),
    maxFileSize: z.number().int().positive().default(1_000_000),
    securityCheck: z.boolean().default(true),
    encoding: z.enum(['o200k_base', 'cl100k_base']).default('o200k_base'),
    lineNumbers: z.boolean().default(false),
    removeComments: z.boolean().default(false),
    header: z.string().optional(),
    instructions: z.string().optional(),
    top: z.number().int().nonnegative().default(5),
    tokenBudget: z.number().int().positive().optional(),
    splitTokens: z.number().int().positive().optional(),
    gitDiff: z.boolean().default(false),
    gitLog: z.number().int().nonnegative().default(0),
    cache: z.boolean().default(true),
    /** Sections of the output (`--no-file-summary`, `--no-directory-structure`, `--no-files`). */
    fileSummary: z.boolean().default(true),
    directoryStructure: z.boolean().default(true),
    files: z.boolean().default(true),
    removeEmptyLines: z.boolean().default(false),
    truncateBase64: z.boolean().default(false),
    /** Read `.ignore` and `.repomixignore` files (git semantics) besides `.specloopignore`. */
    dotIgnore: z.boolean().default(true),
    /** Tree-sitter signatures instead of whole files: `true` for every file, or globs. */
    compress: z.union([z.boolean(), z.array(z.string())]).default(false),
    /** CI guard: fail (exit 1) when the full pack is larger than this many tokens. */
    maxTokens: z.number().int().positive().optional(),
  })
  .strict();

/**
 * A task's `[tasks.NAME.pack]`: the same keys as `[pack]` but WITHOUT defaults, so a task
 * states only what it changes and everything else comes from `[pack]` / the built-in task.
 */
const packOverrideSchema = z
  .object(
    Object.fromEntries(
      Object.entries(packSchema.shape).map(([k, v]) => [
        k,
        (v instanceof z.ZodDefault ? v.unwrap() : v).optional(),
      ]),
    ),
  )
  .strict() as unknown as z.ZodType<Partial<z.infer<typeof packSchema>>>;

const price = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict();

const taskSchema = z
  .object({
    description: z.string().optional(),
    template: z.string(),
    model: z.string().optional(),
    role: z.enum(['default', 'brainstorm', 'plan', 'code']).optional(),
    output: z.string().optional(),
    pack: packOverrideSchema.prefault({}),
    variables: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export const configSchema = z
  .object({
    models: z
      .object({
        default: z.string().default('openai:gpt-4o-mini'),
        brainstorm: z.string().optional(),
        plan: z.string().optional(),
        code: z.string().optional(),
        /** Short names for model strings: `sonnet = "anthropic:claude-sonnet-4-5"`. */
        aliases: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .prefault({}),
    providers: z
      .object({
        openai: z
          .object({ baseURL: z.string().optional(), api: z.enum(['chat', 'responses']).default('chat') })
          .strict()
          .prefault({}),
        anthropic: z.object({ baseURL: z.string().optional() }).strict().prefault({}),
        ollama: z.object({ host: z.string().optional() }).strict().prefault({}),
        /** `openai-compatible:<name>` endpoints: `[providers.compatible.<name>] baseURL = "...", apiKeyEnv = "..."`. */
        compatible: z
          .record(
            z.string(),
            z
              .object({ baseURL: z.string(), apiKeyEnv: z.string().optional(), model: z.string().optional() })
              .strict(),
          )
          .default({}),
      })
      .strict()
      .prefault({}),
    llm: z
      .object({
        timeoutMs: z.number().int().positive().default(120_000),
        maxRetries: z.number().int().nonnegative().default(3),
        /** Base backoff in ms; doubled each retry unless the server sends retry-after. */
        retryBaseMs: z.number().int().nonnegative().default(1000),
        log: z.boolean().default(true),
        logPath: z.string().optional(),
        /** Context window (tokens) per model string, merged over the built-in table. */
        contextWindows: z.record(z.string(), z.number().int().positive()).default({}),
      })
      .strict()
      .prefault({}),
    /** USD per million tokens, keyed by model string; merged over the built-in table. */
    prices: z.record(z.string(), price).default({}),
    test: z
      .object({
        command: z.string().optional(),
        timeoutSec: z.number().int().positive().default(600),
        /** Extra test-file globs (gitignore syntax) beyond the conventions and the runner's config. */
        files: z.array(z.string()).default([]),
        /** Secret-named variables the test command still gets (it gets none by default). */
        passEnv: z.array(z.string()).default([]),
        /** Run the tests in the OS sandbox (bubblewrap / sandbox-exec): no network, writes in the repo + temp only. */
        sandbox: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    run: z
      .object({
        executor: z.enum(['builtin', 'aider', 'claude', 'codex']).default('builtin'),
        maxAttempts: z.number().int().positive().default(3),
        branchPrefix: z.string().default('specloop/'),
        maxCost: z.number().positive().optional(),
        tdd: z.boolean().default(true),
        maxToolCalls: z.number().int().positive().default(40),
        notify: z.enum(['auto', 'bell', 'off']).default('auto'),
        notifyAfterSec: z.number().nonnegative().default(30),
        /** Review each green step before it lands (`run --review`); answered in the terminal or `specloop board`. */
        review: z.boolean().default(false),
        /** Let the retry prompt's file context include files with secrets (`[pack] securityCheck` does not). */
        allowSecretsInRetry: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    pack: packSchema.prefault({}),
    tasks: z.record(z.string(), taskSchema).default({}),
    github: z
      .object({ repo: z.string().optional(), labels: z.array(z.string()).default([]) })
      .strict()
      .prefault({}),
    team: z
      .object({
        remote: z.string().default('origin'),
        name: z.string().optional(),
        leaseSeconds: z.number().int().positive().default(300),
        integrationBranch: z.string().optional(),
        linkIgnored: z
          .array(z.string().regex(/^[^/\\]+$/, 'a directory name at the repository root, without slashes'))
          .refine((a) => a.every((n) => n !== '.' && n !== '..' && n !== '.git'), 'not ".", ".." or ".git"')
          .default(['node_modules', '.venv', 'venv']),
      })
      .strict()
      .prefault({}),
    /** `specloop board`: how often (seconds) the team remote's claims and integration branch are fetched. */
    board: z
      .object({
        fetchIntervalSec: z.number().positive().default(10),
        port: z.number().int().min(0).max(65535).default(4177),
      })
      .strict()
      .prefault({}),
    /** Generated drafts (`task`, `issues pull`): where they go; a directory specloop creates ignores itself. */
    task: z
      .object({ outputDir: z.string().min(1).default('.specloop/out') })
      .strict()
      .prefault({}),
    /** Cost (USD) above which `task`/`ask` confirm before calling. */
    confirmCostOver: z.number().nonnegative().default(0.5),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type PackConfig = z.infer<typeof packSchema>;
export type TaskConfig = z.infer<typeof taskSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export { packSchema, taskSchema };
