import * as t from '../modules/records/records.tables.ts';
import type { Database } from '../storage/database.ts';

// Apart from the synthetic population itself, so that a start that seeds nothing never loads faker.

/** Whether any person is stored yet; demo start seeds only an empty database. */
export async function populationExists(db: Database): Promise<boolean> {
  const rows = await db.select({ personId: t.people.personId }).from(t.people).limit(1);
  return rows.length > 0;
}
