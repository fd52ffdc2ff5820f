// The SQL of stored retention decisions, over retention's own tables.
import { eq, inArray, sql } from 'drizzle-orm';
import { recordsetInsert } from '../../storage/bulk-insert.ts';
import { type Database, queryRows } from '../../storage/database.ts';
import {
  convictionDisregards,
  retentionDecisions,
  retentionInstruments,
  retentionReviews,
} from './retention.tables.ts';

/** A decision as stored, in the columns a re-decision compares. */
export type StoredDecision = {
  item_id: string;
  rule_id: string;
  action: string;
  due_on: string | null;
  planned_on: string | null;
  reason: string;
  held: boolean;
  rule_set_version: string;
  owning_organisation_id: string;
};

/** The stored decisions of these people (`ids` a Postgres array literal of person ids). */
export function storedDecisionsOf(db: Database, ids: string) {
  return queryRows<StoredDecision>(
    db,
    sql`SELECT item_id, rule_id, action, due_on::text, planned_on::text, reason, held, rule_set_version, owning_organisation_id
        FROM retention_decisions WHERE person_id = ANY(${ids}::uuid[])`,
  );
}

/** Drops the decisions of items no longer held. */
export async function dropDecisions(db: Database, itemIds: string[]) {
  await db.execute(sql`DELETE FROM retention_decisions WHERE item_id = ANY(${`{${itemIds.join(',')}}`}::uuid[])`);
}

/** Writes decisions that changed, over those stored for the same items. */
export async function writeDecisions(db: Database, rows: (typeof retentionDecisions.$inferInsert)[]) {
  await db.execute(
    sql`${recordsetInsert(retentionDecisions, rows)}
      on conflict (item_id) do update set rule_id = excluded.rule_id, action = excluded.action,
        due_on = excluded.due_on, planned_on = excluded.planned_on, reason = excluded.reason, held = excluded.held,
        rule_set_version = excluded.rule_set_version, evaluated_at = excluded.evaluated_at,
        owning_organisation_id = excluded.owning_organisation_id`,
  );
}

/** The stored decision of an item (as a list: empty when none). */
export function decisionOfItem(db: Database, itemId: string) {
  return db.select().from(retentionDecisions).where(eq(retentionDecisions.itemId, itemId));
}

/** The tables a deleted person's retention is dropped from, and a deleted item's decision. */
export const personRetentionTables = [
  'retention_decisions',
  'retention_instruments',
  'retention_reviews',
  'conviction_disregards',
];

/** A deleted person's retention goes with them: decisions, instruments, reviews and disregards. */
export async function dropPersonRetention(db: Database, personId: string) {
  for (const table of [retentionDecisions, retentionInstruments, retentionReviews, convictionDisregards]) {
    await db.delete(table).where(eq(table.personId, personId));
  }
}

/** Drops the decisions of deleted records. */
export async function dropDecisionsOfItems(db: Database, itemIds: string[]) {
  await db.delete(retentionDecisions).where(inArray(retentionDecisions.itemId, itemIds));
}
