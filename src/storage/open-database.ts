import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import lockfile from 'proper-lockfile';
import { LedsError } from '../platform/errors.ts';
import {
  assertUuid,
  type Database,
  type DatabaseHandle,
  type PreparedStatement,
  sqlLiteral,
  statementName,
} from './database.ts';

const migrationsFolder = path.resolve(import.meta.dirname, '..', '..', 'drizzle');

// Each driver is loaded when a database of its kind is opened, not at start: a PGlite server never loads
// node-postgres, and a PostgreSQL one never loads the WebAssembly build (issue 12: later starts under 3 s).
const pgliteDriver = async () => ({
  ...(await import('@electric-sql/pglite')),
  ...(await import('@electric-sql/pglite/contrib/pg_trgm')),
  drizzlePglite: (await import('drizzle-orm/pglite')).drizzle,
  migratePglite: (await import('drizzle-orm/pglite/migrator')).migrate,
});
const postgresDriver = async () => ({
  pg: (await import('pg')).default,
  drizzlePostgres: (await import('drizzle-orm/node-postgres')).drizzle,
  migratePostgres: (await import('drizzle-orm/node-postgres/migrator')).migrate,
});
const dialect = new PgDialect();
/** Most statements a PGlite connection keeps prepared before it lets them all go and starts again. */
const maxPreparedStatements = 500;

export type DatabaseTarget =
  | {
      kind: 'pglite';
      dataDir: string | undefined;
      /** How long a lock file left by a killed process holds the folder (proper-lockfile's `stale`). */
      lockStaleMs?: number;
    }
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /**
       * The role every pooled connection runs as (`SET ROLE` at connect). Migrations run as the connecting user;
       * the role may then read and write LEDS's tables but not change the audit log (migration 0007).
       */
      role?: string;
    };

/**
 * Opens the embedded database in a data folder (or in memory when dataDir is undefined).
 * INVARIANT: one process per data folder. PGlite does not lock its folder and a second process's writes are
 * silently lost, so LEDS takes a lock file beside the data and refuses to open a folder another process holds.
 */
async function openPglite(
  dataDir: string | undefined,
  lockStaleMs = 30_000,
): Promise<DatabaseHandle & { client: PGlite }> {
  let release: (() => Promise<void>) | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    try {
      release = await lockfile.lock(dataDir, {
        lockfilePath: path.join(dataDir, 'leds.lock'),
        stale: lockStaleMs,
        update: Math.max(1000, Math.floor(lockStaleMs / 3)),
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'ELOCKED') {
        throw new LedsError(
          'STORAGE_DATA_FOLDER_LOCKED',
          `the data folder \`${dataDir}\` is in use by another LEDS process; stop it or choose another LEDS_DATA_DIR`,
        );
      }
      throw error;
    }
  }
  const { PGlite, pg_trgm, drizzlePglite } = await pgliteDriver();
  const client = await PGlite.create({
    dataDir: dataDir ? path.join(dataDir, 'pgdata') : undefined,
    extensions: { pg_trgm },
  });
  // Timestamps leave the database as UTC text whatever the host's zone, so both drivers return the same JSON.
  await client.exec("SET TIME ZONE 'UTC'");
  // A recycled log segment keeps the old log's bytes past where new writing has reached: deleted data would
  // outlive every scrub in the tail of the segment in use. Off, old segments are removed and new ones start zeroed.
  await client.exec('SET wal_recycle = off');
  const db = drizzlePglite(client) as unknown as Database;
  // One PREPARE per statement even when many reads arrive at once: later callers wait on the first one's promise.
  const prepared = new Map<string, Promise<void>>();
  return {
    db,
    client,
    kind: 'pglite',
    queryPrepared: async <T>(statement: PreparedStatement, id: string): Promise<T[]> => {
      if (!/^[a-z_]+$/.test(statement.name))
        throw new TypeError('a prepared statement is named in lower case letters and _');
      let preparing = prepared.get(statement.name);
      if (!preparing) {
        preparing = client.exec(`prepare ${statement.name}(uuid) as ${statement.text}`).then(() => undefined);
        prepared.set(statement.name, preparing);
        preparing.catch(() => prepared.delete(statement.name));
      }
      await preparing;
      return (await client.query<T>(`execute ${statement.name}('${assertUuid(id)}')`)).rows;
    },
    queryStatement: async <T>(query: SQL): Promise<T[]> => {
      const { sql: text, params } = dialect.sqlToQuery(query);
      const name = statementName(text);
      let preparing = prepared.get(name);
      if (!preparing) {
        if (prepared.size >= maxPreparedStatements) {
          prepared.clear();
          await client.exec('deallocate all');
        }
        preparing = client.exec(`prepare ${name} as ${text}`).then(() => undefined);
        prepared.set(name, preparing);
        preparing.catch(() => prepared.delete(name));
      }
      await preparing;
      const args = params.length > 0 ? `(${params.map(sqlLiteral).join(', ')})` : '';
      return (await client.query<T>(`execute ${name}${args}`)).rows;
    },
    close: async () => {
      await client.close();
      await release?.();
    },
  };
}

async function openPostgres(url: string, poolSize = 10, role?: string): Promise<DatabaseHandle & { pool: pg.Pool }> {
  if (role !== undefined && !/^[a-z_][a-z0-9_]*$/.test(role))
    throw new TypeError('a role name is lower case letters, digits and _');
  // Connect once as the login user: the role may not exist until the first migration has run.
  const { pg, drizzlePostgres } = await postgresDriver();
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
  } catch (error) {
    throw new LedsError('STORAGE_UNAVAILABLE', `cannot connect to PostgreSQL: ${(error as Error).message}`);
  } finally {
    await probe.end().catch(() => undefined);
  }
  // JIT off: LEDS runs short indexed queries, and measured here JIT compiled a 3 ms person read for 1.6 s.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    options: `-c TimeZone=UTC -c jit=off${role ? ` -c role=${role}` : ''}`,
  });
  // An idle connection the server closes (a restart, an administrator) must not crash LEDS: the pool drops it and
  // the next query opens a new one. node-postgres raises this as an 'error' event that is fatal when unheard.
  pool.on('error', () => undefined);
  const db = drizzlePostgres(pool) as unknown as Database;
  return {
    db,
    pool,
    url,
    kind: 'postgres',
    queryPrepared: async <T>(statement: PreparedStatement, id: string): Promise<T[]> =>
      (await pool.query({ name: statement.name, text: statement.text, values: [assertUuid(id)] })).rows as T[],
    queryStatement: async <T>(query: SQL): Promise<T[]> => {
      const { sql: text, params } = dialect.sqlToQuery(query);
      return (await pool.query({ name: statementName(text), text, values: params as unknown[] })).rows as T[];
    },
    close: () => pool.end(),
  };
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  return target.kind === 'pglite'
    ? openPglite(target.dataDir, target.lockStaleMs)
    : openPostgres(target.url, target.poolSize, target.role);
}

/** Applies the forward-only migrations in drizzle/ that have not run yet. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === 'pglite') {
    const { migratePglite } = await pgliteDriver();
    // biome-ignore lint/suspicious/noExplicitAny: the migrators are typed per driver; the handle is one of the two.
    await migratePglite(handle.db as any, { migrationsFolder });
  } else {
    const { pg, drizzlePostgres, migratePostgres } = await postgresDriver();
    // As the login user, not the pool's role: migrations create tables and grant the role its rights.
    const owner = new pg.Client({ connectionString: handle.url, options: '-c TimeZone=UTC' });
    await owner.connect();
    try {
      await migratePostgres(drizzlePostgres(owner), { migrationsFolder });
    } finally {
      await owner.end();
    }
  }
}
