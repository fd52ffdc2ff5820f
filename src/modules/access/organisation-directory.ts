// The access module's queries on organisations that other modules need: the code an organisation is shown by.
// The access module owns the organisations table, so every query naming it is here (docs/architecture.md).
import { inArray } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { organisations } from './access.tables.ts';

/** The codes of the organisations with these ids, by id; an id of no organisation is left out. */
export async function organisationCodes(
  db: Database,
  organisationIds: readonly string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(organisationIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: organisations.id, code: organisations.code })
    .from(organisations)
    .where(inArray(organisations.id, ids));
  return new Map(rows.map((r) => [r.id, r.code]));
}

/**
 * SQL text for the code of the organisation whose id is in `idColumn`, for a statement that assembles a whole
 * record in one round trip (records' person-record.query.ts). `idColumn` is a column reference from static text,
 * never caller input.
 */
export function organisationCodeSql(idColumn: string): string {
  return `(select code from organisations where id = ${idColumn})`;
}
