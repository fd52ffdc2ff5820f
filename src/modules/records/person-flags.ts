// The record-level flags of people, for the modules that decide about people they do not own the tables of
// (retention, held records): which of them are protected identities. A deleted protected identity stays one: the
// flag lives on in their tombstones, so what is left of them is as hidden as they were.
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';

/** Whether a person is, or was when their records were deleted, a protected identity. */
export async function isProtectedIdentity(db: Database, personId: string): Promise<boolean> {
  return (await protectedIdentitiesAmong(db, [personId])).has(personId);
}

/** Which of these people are (or were, when deleted) protected identities. */
export async function protectedIdentitiesAmong(db: Database, personIds: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return new Set();
  const list = `{${ids.join(',')}}`;
  const rows = await queryRows<{ person_id: string }>(
    db,
    sql`SELECT person_id FROM people WHERE person_id = ANY(${list}::uuid[]) AND protected_identity
        UNION SELECT person_id FROM record_tombstones WHERE person_id = ANY(${list}::uuid[]) AND protected_identity`,
  );
  return new Set(rows.map((r) => r.person_id));
}
