// Rows that belong to a person, or to an arrest and so to its person: how each kind of record is written once its
// owner is resolved.
import { randomUUID } from 'node:crypto';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../../storage/database.ts';
import type { Links, Provenance, SourceKey, Written } from './record-intake.types.ts';
import { keepPerson, resolveArrest, resolvePerson } from './record-links.ts';
import type { ArrestRecordIn, ChargeRecordIn } from './records.schemas.ts';

/** Inserts the row, or updates it in place when it exists (a corrected record from the same source). */
export async function upsertRow(
  db: Database,
  table: PgTable,
  idColumn: PgColumn,
  values: Record<string, unknown>,
): Promise<void> {
  const { id: _id, personId: _personId, ...changes } = values;
  // One generic upsert over many tables: each call passes that table's own columns, which the types cannot follow.
  await db
    .insert(table)
    .values(values as never)
    .onConflictDoUpdate({ target: idColumn, set: changes as never });
}

/** Writes a row that belongs to a person: resolves the person, keeps it unchanged on update, upserts. */
export async function underPerson(
  db: Database,
  table: PgTable & { id: PgColumn },
  ref: ArrestRecordIn['person'],
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
  fields: (personId: string) => Promise<Record<string, unknown>> | Record<string, unknown>,
): Promise<Written> {
  const personId = await resolvePerson(db, ref, p, links);
  keepPerson(existing, personId, '/person');
  const id = existing?.recordId ?? randomUUID();
  await upsertRow(db, table, table.id, { id, personId, ...(await fields(personId)), ...p });
  return { recordId: id, personId };
}

/** Writes a row that belongs to an arrest (and so to its person). */
export async function underArrest(
  db: Database,
  table: PgTable & { id: PgColumn },
  ref: ChargeRecordIn['arrest'],
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
  fields: (owner: { arrestId: string; personId: string }) => Promise<Record<string, unknown>> | Record<string, unknown>,
): Promise<Written> {
  const owner = await resolveArrest(db, ref, p, links);
  keepPerson(existing, owner.personId, '/arrest');
  const id = existing?.recordId ?? randomUUID();
  await upsertRow(db, table, table.id, { id, ...owner, ...(await fields(owner)), ...p });
  return { recordId: id, personId: owner.personId };
}
