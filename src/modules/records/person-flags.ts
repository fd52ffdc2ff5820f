// The record-level flags of people, for the modules that decide about people they do not own the tables of
// (retention, held records): which of them are protected identities.
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { people } from './records.tables.ts';

/** Whether a person is a protected identity (false for a person LEDS no longer holds). */
export async function isProtectedIdentity(db: Database, personId: string): Promise<boolean> {
  const [row] = await db
    .select({ protectedIdentity: people.protectedIdentity })
    .from(people)
    .where(eq(people.personId, personId));
  return row?.protectedIdentity ?? false;
}

/** Which of these people are protected identities. */
export async function protectedIdentitiesAmong(db: Database, personIds: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ personId: people.personId })
    .from(people)
    .where(and(inArray(people.personId, ids), eq(people.protectedIdentity, true)));
  return new Set(rows.map((r) => r.personId));
}
