import { getTableColumns, inArray } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../storage/database.ts';

type Rows = Map<PgTable, Record<string, unknown>[]>;

/** The column that names a drawn row: its id, a person's person id, a source record's record id. */
function keyOf(table: PgTable): { column: PgColumn; field: string } {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  for (const field of ['id', 'recordId', 'personId'])
    if (columns[field]) return { column: columns[field] as PgColumn, field };
  throw new Error('a drawn table has no id, record id or person id');
}

/**
 * Takes out of a chunk just written the items the retention rules would already have destroyed, and everything
 * that hangs from them, as if they had never been drawn (issue 12): a real population's old custody images of
 * people never charged went years ago, so the demo starts in that steady state and its first sweep has little
 * to do, instead of minutes of deletions (10,000 people: 15,110 records, 800 s on a busy machine). Every row that
 * names a removed id (an arrest's charges, a person's names) goes too, until nothing more does; rows are deleted
 * in the reverse of the order their tables were drawn, children before parents. Returns the rows left per table.
 */
export async function withoutItemsDue(tx: Database, rows: Rows, due: ReadonlySet<string>): Promise<Rows> {
  const removed = new Set(due);
  const gone = new Map<PgTable, Set<Record<string, unknown>>>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [table, list] of rows) {
      const out = gone.get(table) ?? new Set();
      gone.set(table, out);
      const { field } = keyOf(table);
      for (const row of list) {
        if (out.has(row) || !Object.values(row).some((v) => typeof v === 'string' && removed.has(v))) continue;
        out.add(row);
        const key = row[field];
        if (typeof key === 'string' && !removed.has(key)) removed.add(key);
        grew = true;
      }
    }
  }
  for (const [table] of [...rows].reverse()) {
    const out = gone.get(table);
    if (!out || out.size === 0) continue;
    const { column, field } = keyOf(table);
    const keys = [...out].map((row) => row[field] as string);
    for (let i = 0; i < keys.length; i += 1000) await tx.delete(table).where(inArray(column, keys.slice(i, i + 1000)));
  }
  return new Map([...rows].map(([table, list]) => [table, list.filter((row) => !gone.get(table)?.has(row))]));
}
