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
  const { text, json } = recordset(table, rows);
  return sql`${sql.raw(text.slice(0, text.indexOf('$rows')))}${json}${sql.raw(text.slice(text.indexOf('$rows') + 5))}`;
}

/**
 * The same statement as text, with `$rows` where the rows' JSON goes, and that JSON: for a statement of a fixed
 * shape made often (the audit log's group commit), whose text is built once and kept.
 */
export function recordset(table: PgTable, rows: Record<string, unknown>[]): { text: string; json: string } {
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
  const columnList = names.map(([, name]) => `"${name}"`).join(', ');
  const tableName = `"${getTableName(table)}"`;
  return {
    text: `insert into ${tableName} (${columnList}) select ${columnList} from json_populate_recordset(null::${tableName}, $rows::json)`,
    json,
  };
}
