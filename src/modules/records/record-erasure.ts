import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { assertUuid, type Database, queryRows } from '../../storage/database.ts';
import { isProtectedIdentity } from './person-flags.ts';
import { recordTombstones } from './records.tables.ts';

/** What a deletion takes away: one retained item and everything that hangs from it. */
export type ErasableKind = 'PERSON_RECORD' | 'EVENT' | 'CUSTODY_IMAGE' | 'BIOMETRIC_REFERENCE' | 'MARKER' | 'DISPOSAL';

export interface ErasureBasis {
  ruleId: string;
  basis: string;
  authorisedBy: string;
  at: Date;
}

export interface Tombstone {
  id: string;
  personId: string;
  recordKind: string;
  recordId: string;
  owningOrganisationId: string;
  sourceSystem: string;
  sourceRecordId: string;
}

export interface Erasure {
  personId: string;
  /** The deleted rows by table, for the audit vault (auditors only) and nowhere else. */
  content: Record<string, unknown[]>;
  tombstones: Tombstone[];
  /** Custody image blobs no longer referenced by the deleted rows; removed after the transaction commits. */
  imageHashes: string[];
}

type Scope = { table: string; where: string }[];

// Which rows each kind of item takes with it. Every person-scoped table of the records module appears under
// PERSON_RECORD; the storage test checks that no person-scoped table is forgotten here.
function scopeOf(kind: ErasableKind): Scope {
  switch (kind) {
    case 'CUSTODY_IMAGE':
      return [{ table: 'custody_images', where: 'id = $1' }];
    case 'BIOMETRIC_REFERENCE':
      return [{ table: 'biometric_references', where: 'id = $1' }];
    case 'MARKER':
      return [{ table: 'markers', where: 'id = $1' }];
    case 'DISPOSAL':
      return [{ table: 'disposals', where: 'id = $1' }];
    case 'EVENT':
      // An event's rows are the person tables that hang from an arrest: those listed before `arrests`.
      return [
        ...eventTables.map((table) => ({ table, where: 'arrest_id = $1' })),
        { table: 'arrests', where: 'id = $1' },
      ];
    case 'PERSON_RECORD':
      return [
        ...personTables.map((table) => ({ table, where: 'person_id = $1' })),
        { table: 'person_associations', where: 'associate_person_id = $1' },
        { table: 'possible_duplicates', where: 'other_person_id = $1' },
      ];
  }
}

/** Every person-scoped table of the records module, children first. */
export const personTables = [
  'custody_images',
  'custody_records',
  'disposals',
  'court_cases',
  'offences',
  'charges',
  'biometric_references',
  'arrests',
  'markers',
  'missing_person_reports',
  'person_associations',
  'person_identifiers',
  'person_addresses',
  'person_dates_of_birth',
  'person_names',
  'possible_duplicates',
  'held_records',
  'people',
] as const;

const eventTables = personTables.slice(0, personTables.indexOf('arrests'));

type Provenance = { owning_organisation_id: string; source_system: string; source_record_id: string };
/** The rows one erasure deleted: their content, their ids and provenance, and the images they referred to. */
type Deleted = {
  content: Record<string, unknown[]>;
  deletedIds: string[];
  provenance: Map<string, Provenance>;
  imageHashes: string[];
};

/**
 * Deletes an item from every live table and search key, inside the caller's transaction, and leaves a tombstone
 * for each source record it removes. Returns the content for the audit vault and the blobs to remove.
 * Idempotent: an item already gone erases nothing and leaves no second tombstone.
 */
export async function eraseRecord(
  tx: Database,
  kind: ErasableKind,
  itemId: string,
  personId: string,
  basis: ErasureBasis,
): Promise<Erasure> {
  // Read before the person's row goes: the tombstones carry the flag on (person-flags.ts).
  const protectedIdentity = await isProtectedIdentity(tx, personId);
  const { content, deletedIds, provenance, imageHashes } = await deleteRows(tx, kind, itemId, basis.at);
  if (deletedIds.length === 0) return { personId, content, tombstones: [], imageHashes: [] };
  // Rows that pointed at what went: cleared, not deleted, because they are someone else's record.
  if (kind === 'EVENT') {
    await tx.execute(sql`UPDATE arrests SET arising_from_arrest_id = NULL WHERE arising_from_arrest_id = ${itemId}`);
  }
  if (kind === 'PERSON_RECORD') {
    await tx.execute(
      sql`UPDATE unidentified_remains SET identified_person_id = NULL WHERE identified_person_id = ${itemId}`,
    );
  }
  const tombstones = await removeSourceKeys(tx, personId, deletedIds);
  // An item loaded without a source key (demo data, bulk loads) still leaves its tombstone.
  if (!tombstones.some((t) => t.recordId === itemId)) {
    const own = provenance.get(itemId);
    if (own) {
      tombstones.push({
        id: randomUUID(),
        personId,
        recordKind: kind,
        recordId: itemId,
        owningOrganisationId: own.owning_organisation_id,
        sourceSystem: own.source_system,
        sourceRecordId: own.source_record_id,
      });
    }
  }
  if (tombstones.length > 0) {
    await tx.insert(recordTombstones).values(
      tombstones.map((t) => ({
        ...t,
        ruleId: basis.ruleId,
        basis: basis.basis,
        authorisedBy: basis.authorisedBy,
        deletedAt: basis.at,
        protectedIdentity,
      })),
    );
  }
  return { personId, content, tombstones, imageHashes };
}

/** Deletes the rows the item takes with it, table by table, keeping what each was for the vault and tombstones. */
async function deleteRows(tx: Database, kind: ErasableKind, itemId: string, at: Date): Promise<Deleted> {
  const content: Record<string, unknown[]> = {};
  const deletedIds: string[] = [];
  const provenance = new Map<string, Provenance>();
  const imageHashes: string[] = [];
  for (const { table, where } of scopeOf(kind)) {
    const condition = where.replace('$1', `'${assertUuid(itemId)}'::uuid`);
    const rows = await queryRows<Record<string, unknown>>(
      tx,
      table === 'held_records'
        ? detachHeldRecords(condition, at)
        : sql.raw(`DELETE FROM ${table} WHERE ${condition} RETURNING to_jsonb(${table}.*) AS row`),
    );
    if (rows.length === 0) continue;
    content[table] = [...(content[table] ?? []), ...rows.map((r) => r.row)];
    // A possible duplicate is a note between two people, not a record: it goes with either of them, and leaves no
    // tombstone of its own (the person record it names leaves one). A held record leaves none either (below).
    if (table === 'possible_duplicates' || table === 'held_records') continue;
    for (const { row } of rows as { row: Record<string, string> }[]) {
      deletedIds.push(row.id ?? row.person_id ?? '');
      if (row.content_sha256) imageHashes.push(row.content_sha256);
      provenance.set(row.id ?? row.person_id ?? '', {
        owning_organisation_id: row.owning_organisation_id as string,
        source_system: row.source_system as string,
        source_record_id: row.source_record_id as string,
      });
    }
  }
  return { content, deletedIds, provenance, imageHashes };
}

/** The idempotency keys are search keys too: a deleted record's source id must not lead back to anything. */
async function removeSourceKeys(tx: Database, personId: string, deletedIds: string[]): Promise<Tombstone[]> {
  const keys = await queryRows<{
    source_system: string;
    source_record_id: string;
    record_kind: string;
    record_id: string;
    owning_organisation_id: string;
  }>(
    tx,
    sql`DELETE FROM source_records WHERE record_id = ANY(${`{${deletedIds.join(',')}}`}::uuid[])
        RETURNING source_system, source_record_id, record_kind, record_id::text, owning_organisation_id::text`,
  );
  return keys.map((k) => ({
    id: randomUUID(),
    personId,
    recordKind: k.record_kind,
    recordId: k.record_id,
    owningOrganisationId: k.owning_organisation_id,
    sourceSystem: k.source_system,
    sourceRecordId: k.source_record_id,
  }));
}

/**
 * SECURITY: what erasing a person does to the pushed records held against them. Their content goes (into the audit
 * vault with the rest), but a record still waiting or refused is not deleted with a tombstone and a deletion
 * notice: its pusher was answered as if it named nobody, and it stays a record naming nobody, so that the pusher
 * learns neither that a hidden person stood behind it nor that they were deleted (docs/access.md). A record the
 * owning force linked is a stored record: it is deleted, with its tombstone and notice, by the erasure of the
 * stored rows, and only its review trace goes here.
 */
function detachHeldRecords(condition: string, at: Date) {
  return sql`WITH old AS (
      SELECT id, status, to_jsonb(held_records.*) AS row FROM held_records WHERE ${sql.raw(condition)} FOR UPDATE
    ),
    detached AS (
      UPDATE held_records h SET person_id = NULL, record = NULL, reviewing_organisation_id = h.owning_organisation_id,
        updated_at = ${at}
      FROM old WHERE h.id = old.id AND old.status <> 'LINKED' RETURNING old.row
    ),
    linked AS (DELETE FROM held_records h USING old WHERE h.id = old.id AND old.status = 'LINKED' RETURNING old.row)
    SELECT row FROM detached UNION ALL SELECT row FROM linked`;
}

/** Links the tombstones of a deletion to the audit entry that holds its content in the vault. */
export async function linkTombstonesToAudit(tx: Database, tombstoneIds: string[], auditSeq: number): Promise<void> {
  if (tombstoneIds.length === 0) return;
  await tx.execute(
    sql`UPDATE record_tombstones SET audit_seq = ${auditSeq} WHERE id = ANY(${`{${tombstoneIds.join(',')}}`}::uuid[])`,
  );
}
