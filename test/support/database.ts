import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import { migrateDatabase, openDatabase } from '../../src/storage/open-database.ts';

/**
 * The database a test file runs against: PostgreSQL when LEDS_TEST_DATABASE_URL is set (a fresh database made
 * for this file and dropped after), otherwise an in-memory PGlite. Migrated once and shared by the file's tests,
 * because a PGlite instance takes seconds to start.
 */
export const testDatabaseKind: 'postgres' | 'pglite' = process.env.LEDS_TEST_DATABASE_URL ? 'postgres' : 'pglite';

export async function openTestDatabase(): Promise<DatabaseHandle> {
  if (!process.env.LEDS_TEST_DATABASE_URL) {
    const handle = await openDatabase({ kind: 'pglite', dataDir: undefined });
    await migrateDatabase(handle);
    return handle;
  }
  const scratch = await createScratchPostgres();
  if (!scratch) throw new Error('LEDS_TEST_DATABASE_URL is set, so a scratch database is expected');
  // As the application's role, so every suite also proves the role's rights are enough, and no more.
  const handle = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 4, role: 'leds_app' });
  await migrateDatabase(handle);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}

/** The connection string of a fresh PostgreSQL database for a child process, or undefined on PGlite runs. */
export async function createScratchPostgres(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const adminUrl = process.env.LEDS_TEST_DATABASE_URL;
  if (!adminUrl) return undefined;
  const name = `leds_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * Runs SQL as the database owner, as an administrator would by hand: on PostgreSQL over a separate connection
 * as the login user (not the application's role), on PGlite on its one connection (its single user owns all).
 */
export async function asDatabaseOwner(handle: DatabaseHandle, statements: string[]): Promise<void> {
  if (handle.kind === 'pglite') {
    for (const statement of statements) await handle.db.execute(sql.raw(statement));
    return;
  }
  const owner = new pg.Client({ connectionString: handle.url });
  await owner.connect();
  try {
    for (const statement of statements) await owner.query(statement);
  } finally {
    await owner.end();
  }
}
