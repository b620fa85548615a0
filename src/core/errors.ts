/**
 * Typed errors. Core code throws these; only the CLI prints them, shows the hint and
 * maps them to an exit code (DESIGN.md: 0 ok, 1 the work failed, 2 bad usage/input).
 */
export class SpecloopError extends Error {
  /** Machine-readable code, e.g. `E_CONFIG`, `E_NO_KEY`. */
  readonly code: string;
  /** What the user can do next; printed under the message. */
  readonly hint?: string;
  readonly exitCode: 1 | 2;

  constructor(message: string, opts: { code: string; hint?: string; exitCode: 1 | 2; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode;
  }
}

/** Bad usage or bad input: exit 2, and nothing may have been written. */
export class UsageError extends SpecloopError {
  constructor(message: string, opts: { code?: string; hint?: string; cause?: unknown } = {}) {
    super(message, { code: opts.code ?? 'E_USAGE', hint: opts.hint, cause: opts.cause, exitCode: 2 });
  }
}

/** The work itself failed (tests red, model error after retries): exit 1. */
export class WorkError extends SpecloopError {
  constructor(message: string, opts: { code?: string; hint?: string; cause?: unknown } = {}) {
    super(message, { code: opts.code ?? 'E_WORK', hint: opts.hint, cause: opts.cause, exitCode: 1 });
  }
}

/** The user interrupted (Ctrl-C): state was saved; exit 130 like a shell. */
export class InterruptedError extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}

export function isSpecloopError(err: unknown): err is SpecloopError {
  return err instanceof SpecloopError;
}
