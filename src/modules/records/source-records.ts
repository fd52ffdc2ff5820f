// The idempotency keys of inbound records: which LEDS row each (source system, source record id) became, and the
// tombstones that keep a deleted record from coming back.
import { and, eq } from 'drizzle-orm';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../storage/database.ts';
import type { IntakeSource, SourceKey, Written } from './record-intake.types.ts';
import { reject } from './record-rejection.ts';
import * as t from './records.tables.ts';

export async function sourceKey(
  db: Database,
  sourceSystem: string,
  sourceRecordId: string,
): Promise<SourceKey | undefined> {
  const rows = await db
    .select()
    .from(t.sourceRecords)
    .where(and(eq(t.sourceRecords.sourceSystem, sourceSystem), eq(t.sourceRecords.sourceRecordId, sourceRecordId)))
    .limit(1);
  return rows[0];
}

export async function saveSourceKey(
  db: Database,
  clock: Clock,
  kind: string,
  sourceRecordId: string,
  written: Written,
  source: Pick<IntakeSource, 'organisationId' | 'sourceSystem'>,
  hash: string,
) {
  await db
    .insert(t.sourceRecords)
    .values({
      sourceSystem: source.sourceSystem,
      sourceRecordId,
      recordKind: kind,
      recordId: written.recordId,
      personId: written.personId,
      owningOrganisationId: source.organisationId,
      contentSha256: hash,
      updatedAt: clock.now(),
    })
    .onConflictDoUpdate({
      target: [t.sourceRecords.sourceSystem, t.sourceRecords.sourceRecordId],
      set: {
        contentSha256: hash,
        recordId: written.recordId,
        personId: written.personId,
        updatedAt: clock.now(),
      },
    });
}

/** A record deleted under a retention rule may not come back by being sent again (brief 5.2: deletion is real). */
export async function refuseDeleted(db: Database, sourceSystem: string, sourceRecordId: string): Promise<void> {
  const [tombstone] = await db
    .select({ ruleId: t.recordTombstones.ruleId, deletedAt: t.recordTombstones.deletedAt })
    .from(t.recordTombstones)
    .where(
      and(eq(t.recordTombstones.sourceSystem, sourceSystem), eq(t.recordTombstones.sourceRecordId, sourceRecordId)),
    )
    .limit(1);
  if (tombstone) {
    reject(
      '/sourceRecordId',
      `\`${sourceRecordId}\` of \`${sourceSystem}\` was deleted under retention rule ${tombstone.ruleId} on ${tombstone.deletedAt.toISOString().slice(0, 10)} and may not be sent again; delete it from the local system (see the deletion notice)`,
    );
  }
}
