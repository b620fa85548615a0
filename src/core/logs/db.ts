import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { WorkError } from '../errors.js';

export type Db = BetterSqlite3.Database;

/** Bump when the schema changes; `migrate` brings older files up to date. */
export const SCHEMA_VERSION = 1;

const MIGRATIONS: Record<number, string> = {
  1: `CREATE TABLE calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    command TEXT,
    role TEXT,
    model TEXT NOT NULL,
    prompt TEXT NOT NULL,
    response TEXT,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cost REAL,
    duration_ms INTEGER NOT NULL,
    error TEXT
  );
  CREATE INDEX calls_time ON calls(time);`,
};

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new WorkError(`the call log ${db.name} was written by a newer specloop (schema ${current})`, {
      code: 'E_LOG_SCHEMA',
      hint: 'upgrade specloop, or point llm.logPath at another file',
    });
  }
  if (current === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let v = current + 1; v <= SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.exec('DELETE FROM schema_version');
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
  })();
}

/**
 * Open (creating if needed) the call-log database. better-sqlite3 is loaded here, lazily,
 * so commands that never log never load the native module.
 */
export async function openDb(file: string, opts: { readonly?: boolean } = {}): Promise<Db> {
  const { default: Database } = await import('better-sqlite3');
  if (!opts.readonly) mkdirSync(dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw new WorkError(`cannot open the call log ${file}: ${(err as Error).message}`, {
      code: 'E_LOG',
      cause: err,
      hint: 'check the permissions, or set llm.logPath in the config',
    });
  }
  // Several specloop processes (parallel runs) may write at once.
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    migrate(db);
    // Prompts hold the user's code and answers: only the user may read the log (and its WAL).
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      try {
        chmodSync(f, 0o600);
      } catch {}
    }
  }
  return db;
}
