import assert from 'node:assert/strict';
import { gt } from 'drizzle-orm';
import type { Services } from '../../src/composition.ts';
import { auditEntries } from '../../src/modules/audit/audit.tables.ts';
import { type AuditEntryBody, CheckpointVerifier, verifyAuditLog } from '../../src/modules/audit/index.ts';

/** The index of the newest audit entry, to read what a step wrote after it. */
export async function lastAuditSeq(services: Services): Promise<number> {
  return (await services.auditLog.size()) - 1;
}

/** The audit entries written after `seq`, oldest first, as hashed. */
export async function auditEntriesAfter(services: Services, seq: number): Promise<AuditEntryBody[]> {
  const rows = await services.database.db
    .select({ entry: auditEntries.entry })
    .from(auditEntries)
    .where(gt(auditEntries.seq, seq))
    .orderBy(auditEntries.seq);
  return rows.map((r) => JSON.parse(r.entry) as AuditEntryBody);
}

/** Ends a test file that wrote: the audit log still verifies (STYLE: the verifier runs after every writing test). */
export async function assertAuditLogVerifies(services: Services): Promise<void> {
  // A server signs at start and on its timer; a test's services sign here, which checks the log once more first.
  await services.audit.signCheckpoint();
  assert.equal(services.audit.checkpointStatus?.refused, undefined, 'the log passes the check before signing');
  const report = await verifyAuditLog(
    services.database.db,
    new CheckpointVerifier(services.audit.verifierKey),
    services.config.audit.origin,
    { trusted: services.audit.history.read().map(({ note }) => ({ source: 'the history', note })) },
  );
  assert.deepEqual(report.problems, [], 'the audit log verifies');
  assert.equal(report.unsigned, 0, 'every entry is signed');
}
