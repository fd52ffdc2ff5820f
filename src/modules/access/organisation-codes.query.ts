import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';

/** The codes of these organisations, by id (for pages that name the owning force of what they list). */
export async function organisationCodes(
  db: Database,
  organisationIds: readonly string[],
): Promise<Map<string, string>> {
  const rows = await queryRows<{ id: string; code: string }>(
    db,
    sql`SELECT id, code FROM organisations WHERE id = ANY(${`{${organisationIds.join(',')}}`}::uuid[])`,
  );
  return new Map(rows.map((o) => [o.id, o.code]));
}
