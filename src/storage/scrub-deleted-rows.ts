import { sql } from 'drizzle-orm';
import type { ScrubMode } from '../config/config.schema.ts';
import { type DatabaseHandle, queryRows } from './database.ts';

export type { ScrubMode };

export interface ScrubReport {
  mode: Exclude<ScrubMode, 'auto'>;
  tables: string[];
  /** Tables the connecting role does not own: PostgreSQL skips them with only a warning, so they are named here. */
  skipped: string[];
  /** The embedded database's write-ahead log was switched and its old segments removed. */
  walCleared: boolean;
  /**
   * PostgreSQL: transactions older than the deletions still running when the wait ran out. VACUUM had to keep the
   * rows they may see; the next deletion run's scrub removes them.
   */
  olderSnapshots?: number;
  ms: number;
}

const identifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** The longest a scrub waits for transactions older than the deletions to end before it vacuums anyway. */
const snapshotWaitMs = 5000;

/**
 * Removes what deleted rows leave in the database's files. Measured here (PGlite, 20,000 rows, one in a hundred
 * deleted): after DELETE and VACUUM every deleted value could still be read in the table's, its index's and the
 * write-ahead log's files; after VACUUM FULL only in the log; after the log is switched and checkpointed, nowhere.
 * So on the embedded database, which nobody else maintains, a deletion run ends with all three. On a PostgreSQL
 * server the log, its archive and backups are the operator's (docs/retention.md says how long they hold data).
 */
export async function scrubDeletedRows(
  handle: DatabaseHandle,
  tables: readonly string[],
  mode: ScrubMode,
): Promise<ScrubReport> {
  const started = performance.now();
  const chosen = mode === 'auto' ? (handle.kind === 'pglite' ? 'vacuum-full' : 'vacuum') : mode;
  const wanted = [...new Set(tables)].sort();
  const report: ScrubReport = { mode: chosen, tables: [], skipped: [], walCleared: false, ms: 0 };
  if (chosen === 'off' || wanted.length === 0) return report;
  // Only tables that exist in the schema are named: the list comes from code, but VACUUM takes no parameters.
  const known = await queryRows<{ relname: string }>(
    handle.db,
    sql`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r'
          AND c.relname = ANY(${`{${wanted.join(',')}}`}::text[])`,
  );
  report.tables = known.map((r) => r.relname).sort();
  if (report.tables.length === 0) return report;
  const vacuum = (names: string[]) =>
    `VACUUM${chosen === 'vacuum-full' ? ' FULL' : ''} ${names.map(identifier).join(', ')}`;
  if (handle.kind === 'pglite') {
    await handle.db.execute(sql.raw(vacuum(report.tables)));
    // The log still holds every row as it was written. Segments are removed, not recycled (open-database.ts turns
    // recycling off), once a checkpoint no longer needs them; one switch and checkpoint moves past the current
    // segment, a second past the one before.
    await handle.db.execute(sql.raw('SET wal_recycle = off'));
    for (let i = 0; i < 2; i++) {
      await handle.db.execute(sql.raw('SELECT pg_switch_wal()'));
      await handle.db.execute(sql.raw('CHECKPOINT'));
    }
    report.walCleared = true;
  } else {
    const { skipped, olderSnapshots } = await vacuumAsOwner(handle, vacuum, report.tables);
    report.skipped = skipped;
    report.olderSnapshots = olderSnapshots;
    report.tables = report.tables.filter((t) => !report.skipped.includes(t));
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

/**
 * VACUUM on PostgreSQL as the login user that ran the migrations and owns the tables (the pool may run as a
 * lesser role, for which PostgreSQL skips each table with only a warning). Returns the tables it could not vacuum.
 */
async function vacuumAsOwner(
  handle: DatabaseHandle,
  vacuum: (tables: string[]) => string,
  tables: string[],
): Promise<{ skipped: string[]; olderSnapshots: number }> {
  const { default: pg } = await import('pg');
  const owner = new pg.Client({ connectionString: handle.url, options: '-c TimeZone=UTC' });
  await owner.connect();
  try {
    const notOwned = await owner.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relname = ANY($1::text[])
          AND NOT pg_has_role(current_user, c.relowner, 'USAGE')`,
      [tables],
    );
    const skipped = notOwned.rows.map((r) => r.relname).sort();
    const owned = tables.filter((t) => !skipped.includes(t));
    // VACUUM keeps every row version a running transaction may still see. So first wait, a bounded while, for
    // transactions that began before the deletions committed (a long report, a backup); say if any outlived it.
    const { rows } = await owner.query<{ xid: string }>('SELECT xid(pg_current_xact_id())::text AS xid');
    const started = Date.now();
    let olderSnapshots = 0;
    for (;;) {
      const older = await owner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_xmin IS NOT NULL
          AND age(backend_xmin) > age($1::xid)`,
        [rows[0]?.xid],
      );
      olderSnapshots = older.rows[0]?.n ?? 0;
      if (olderSnapshots === 0 || Date.now() - started >= snapshotWaitMs) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (owned.length > 0) {
      await owner.query(vacuum(owned));
      // A second pass, a moment later. Measured with other databases on the server busy: one VACUUM FULL left
      // an updated row's old version in the rewritten file in 3 of 17 runs, with no older snapshot visible in
      // pg_stat_activity to explain it; with the second pass, 0 of 8. On tables already scrubbed it is cheap.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await owner.query(vacuum(owned));
    }
    return { skipped, olderSnapshots };
  } finally {
    await owner.end();
  }
}
