import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { auditLegalHolds } from './audit.tables.ts';

// A legal hold is the vault's: it carries the key that keeps sealed content past the retention period (see
// audit-vault-sweep.ts). Who may place or lift one is decided by the auditor console (modules/oversight), which
// writes through these inside its own transaction, beside the hold's audit entry.

export interface LegalHold {
  subjectKind: 'PERSON' | 'USER';
  subjectId: string;
  reason: string;
}

/** Stores a hold in force from `placedAt`, with a fresh key of its own. */
export async function storeLegalHold(
  tx: Database,
  hold: LegalHold & { id: string; placedBy: string; placedAt: Date },
): Promise<void> {
  await tx.insert(auditLegalHolds).values({ ...hold, key: randomBytes(32) });
}

/** Ends the hold if it is still in force; false when there is no such hold in force. */
export async function endLegalHold(tx: Database, id: string, liftedAt: Date): Promise<boolean> {
  const lifted = await tx
    .update(auditLegalHolds)
    .set({ liftedAt })
    .where(and(eq(auditLegalHolds.id, id), isNull(auditLegalHolds.liftedAt)))
    .returning({ id: auditLegalHolds.id });
  return lifted.length > 0;
}
