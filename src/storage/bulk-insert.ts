import { getTableColumns, getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from './database.ts';

/**
 * Inserts many rows in one statement with one parameter: the rows as JSON, expanded by json_populate_recordset.
 * Measured here, Drizzle's multi-row insert builder spent most of its time checking each of tens of thousands of
 * parameters; this keeps bulk loads (demo data, benchmarks) bound by the database instead.
 * Rows are keyed by the table's TypeScript field names, as for Drizzle inserts; only the fields of the first row
 * are written, so every row must have the same fields.
 */
export async function bulkInsert(db: Database, table: PgTable, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(recordsetInsert(table, rows));
}

/** The INSERT ... SELECT FROM json_populate_recordset statement bulkInsert runs, to extend (CTEs, WHERE). */
export function recordsetInsert(table: PgTable, rows: Record<string, unknown>[]): SQL {
  const first = rows[0] ?? {};
  const columns = getTableColumns(table);
  const names: [string, string][] = Object.keys(first).map((key) => {
    const column = columns[key];
    if (!column) throw new Error(`${getTableName(table)} has no field ${key}`);
    return [key, column.name];
  });
  const json = JSON.stringify(
    rows.map((row) => Object.fromEntries(names.map(([key, name]) => [name, row[key] ?? null]))),
  );
  const columnList = sql.raw(names.map(([, name]) => `"${name}"`).join(', '));
  const tableName = sql.raw(`"${getTableName(table)}"`);
  return sql`insert into ${tableName} (${columnList}) select ${columnList} from json_populate_recordset(null::${tableName}, ${json}::json)`;
}
