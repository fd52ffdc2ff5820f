import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { auditLegalHolds } from './audit.tables.ts';
import type { AuditLog } from './audit-log.ts';

// A legal hold is the vault's: it carries the key that keeps sealed content past the retention period (see
// audit-vault-sweep.ts). Who may place or lift one is decided by the auditor console (modules/oversight), which
// writes through these inside its own transaction, beside the hold's audit entry.

export interface LegalHold {
  subjectKind: 'PERSON' | 'USER';
  subjectId: string;
  reason: string;
}

/** Stores a hold in force from `placedAt`, with a fresh key of its own, wrapped (vault-key-wrapping.ts). */
export async function storeLegalHold(
  tx: Database,
  log: Pick<AuditLog, 'newHoldKey'>,
  hold: LegalHold & { id: string; placedBy: string; placedAt: Date },
): Promise<void> {
  await tx.insert(auditLegalHolds).values({ ...hold, wrappedKey: log.newHoldKey(hold.id) });
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
