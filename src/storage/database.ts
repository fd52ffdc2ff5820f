import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.ts';

/** The storage port: one Drizzle database over PGlite or PostgreSQL. Transactions have the same type. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Rows of a raw SQL query, the same shape on both drivers. */
  close(): Promise<void>;
}
