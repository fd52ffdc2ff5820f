// The SQL of applications for deletion, over retention's own tables.
import { eq, sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';
import { deletionApplications } from './retention.tables.ts';

/** Records a new application. */
export async function insertApplication(db: Database, row: typeof deletionApplications.$inferInsert) {
  await db.insert(deletionApplications).values(row);
}

/** Changes an application (a match, a decision, the applicant told, an appeal). */
export async function updateApplication(
  db: Database,
  applicationId: string,
  change: Partial<typeof deletionApplications.$inferInsert>,
) {
  await db.update(deletionApplications).set(change).where(eq(deletionApplications.id, applicationId));
}

/** An application by its id (as a list: empty when none). */
export function applicationById(db: Database, applicationId: string) {
  return db.select().from(deletionApplications).where(eq(deletionApplications.id, applicationId));
}

/** The stored decisions of these items (an arrest's custody images): their rule and owner. */
export function decisionsOfItems(db: Database, itemIds: string[]) {
  return queryRows<{ item_id: string; rule_id: string; owner: string }>(
    db,
    sql`SELECT item_id, rule_id, owning_organisation_id AS owner FROM retention_decisions
        WHERE item_id = ANY(${`{${itemIds.join(',')}}`}::uuid[])`,
  );
}
