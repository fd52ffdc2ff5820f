import { eq, sql } from 'drizzle-orm';
import type { Clock } from '../../platform/clock.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import * as t from './records.tables.ts';

/**
 * Claims a source system for an organisation, or says it is another's. A system whose records were stored before
 * claims existed belongs to the organisation that owns them.
 */
export async function claimSourceSystem(
  db: Database,
  clock: Clock,
  sourceSystem: string,
  organisationId: string,
): Promise<boolean> {
  const owner = async () =>
    (
      await db
        .select({ owner: t.sourceSystems.owningOrganisationId })
        .from(t.sourceSystems)
        .where(eq(t.sourceSystems.sourceSystem, sourceSystem))
    )[0]?.owner;
  let claimed = await owner();
  if (!claimed) {
    // Whoever stored, held or deleted records under the name before claims existed owns it.
    const [earlier] = await queryRows<{ owner: string }>(
      db,
      sql`select owning_organisation_id as owner from source_records where source_system = ${sourceSystem}
        union all select owning_organisation_id from held_records where source_system = ${sourceSystem}
        union all select owning_organisation_id from record_tombstones where source_system = ${sourceSystem}
        limit 1`,
    );
    await db
      .insert(t.sourceSystems)
      .values({ sourceSystem, owningOrganisationId: earlier?.owner ?? organisationId, claimedAt: clock.now() })
      .onConflictDoNothing();
    claimed = await owner();
  }
  return claimed === organisationId;
}
