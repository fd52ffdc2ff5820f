import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { isUuid } from '../platform/ids.ts';

/** The storage port: one Drizzle database over PGlite or PostgreSQL. Transactions have the same type. */
// No schema object: every query names its tables itself, so storage knows no module's tables.
export type Database = PgDatabase<PgQueryResultHKT>;

/** A statement prepared once per connection and run by one UUID parameter (`$1`). */
export interface PreparedStatement {
  name: string;
  text: string;
}

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** The PostgreSQL connection string, for work that must run as the login user (migrations); unset on PGlite. */
  url?: string;
  /**
   * Runs a prepared statement with one UUID. Planning a person read cost more than running it (measured: 3.4 ms
   * planning, 1.8 ms execution on PostgreSQL; 5.6 ms against 1.3 ms a read on PGlite), so hot reads are prepared.
   */
  queryPrepared<T>(statement: PreparedStatement, id: string): Promise<T[]>;
  /**
   * Runs a statement built with Drizzle's `sql`, prepared once per connection under a name made from its text, so
   * a hot read of a fixed shape (a search) is planned once. Its parameters are text, numbers, booleans or null.
   */
  queryStatement<T>(query: SQL): Promise<T[]>;
  close(): Promise<void>;
}

/** The name a statement is prepared under: the same text, the same name, on every connection. */
export function statementName(text: string): string {
  return `leds_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
}

/**
 * SECURITY: a parameter written into SQL text as a literal, for PGlite's EXECUTE, which takes no bind parameters.
 * Strings are quoted with every quote doubled (standard_conforming_strings is on in PostgreSQL 15 and 18); a NUL,
 * which no literal can hold, is refused, as is any other kind of value.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('a statement parameter must be a finite number');
    return String(value);
  }
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new TypeError('a statement parameter cannot hold NUL');
    return `'${value.replace(/'/g, "''")}'`;
  }
  throw new TypeError(`a statement parameter cannot be a ${typeof value}`);
}

/** SECURITY: the one check that lets a UUID be written into SQL text (PGlite's EXECUTE takes no bind parameters). */
export function assertUuid(id: string): string {
  if (!isUuid(id)) throw new TypeError('a prepared statement takes a UUID');
  return id.toLowerCase();
}

/** Runs raw SQL and returns its rows; both drivers answer `{ rows }`, which Drizzle's shared type leaves unknown. */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}
