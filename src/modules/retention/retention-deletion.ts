import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { AuditTrail } from '../audit/index.ts';
import { type ErasableKind, eraseRecord, linkTombstonesToAudit } from '../records/index.ts';
import { issueNotices } from './deletion-notices.repository.ts';
import type { deletionNotices } from './retention.tables.ts';
import { dropDecisionsOfItems, dropPersonRetention } from './retention-decisions.repository.ts';
import { addDays } from './retention-engine.ts';
import { isoDay, RetentionUseCase } from './retention-use-case.ts';

/**
 * Carrying out a destruction: items deleted everywhere, with a tombstone, a notice to the owning force and the
 * content sealed in the audit vault.
 */
export class RetentionDeletion extends RetentionUseCase {
  /**
   * Deletes items everywhere they live, in one transaction with their tombstones, their deletion notices and an
   * audit entry each (whose sealed content is the auditors' copy); removes image files once that has committed.
   * One transaction for many items: the audit append and the commit are most of a deletion's cost.
   * Returns the number of records removed (0 when the items had already gone).
   */
  async destroy(
    by: RequestContext,
    items: { personId: string; itemKind: ErasableKind; itemId: string; ruleId: string; reason: string }[],
    authorisedBy: string,
  ): Promise<number> {
    const now = this.clock.now();
    const dueBy = addDays(isoDay(now), this.settings.noticeAcknowledgeDays);
    const { removed, imageHashes } = await this.db.transaction(async (tx) => {
      let removed = 0;
      const imageHashes: string[] = [];
      const notices: (typeof deletionNotices.$inferInsert)[] = [];
      const entries: { tombstones: string[]; event: Parameters<AuditTrail['recordWithin']>[2][number] }[] = [];
      for (const d of items) {
        const erasure = await eraseRecord(tx as Database, d.itemKind, d.itemId, d.personId, {
          ruleId: d.ruleId,
          basis: d.reason,
          authorisedBy,
          at: now,
        });
        const rows = Object.values(erasure.content).flat() as Record<string, string>[];
        if (rows.length === 0) continue;
        removed += rows.length;
        imageHashes.push(...erasure.imageHashes);
        const recordIds = rows.map((r) => r.id ?? r.person_id).filter((id): id is string => !!id);
        if (d.itemKind === 'PERSON_RECORD') {
          await dropPersonRetention(tx as Database, d.personId);
        } else {
          await dropDecisionsOfItems(tx as Database, recordIds);
        }
        for (const t of erasure.tombstones)
          notices.push({
            id: randomUUID(),
            personId: d.personId,
            tombstoneId: t.id,
            owningOrganisationId: t.owningOrganisationId,
            recordKind: t.recordKind,
            recordId: t.recordId,
            sourceSystem: t.sourceSystem,
            sourceRecordId: t.sourceRecordId,
            ruleId: d.ruleId,
            issuedAt: now,
            dueBy,
          });
        entries.push({
          tombstones: erasure.tombstones.map((t) => t.id),
          event: {
            kind: 'RECORD_DELETED',
            action: 'retention.destroy',
            subjects: [d.personId],
            reasons: [`${d.ruleId}: ${d.reason}`],
            details: {
              itemKind: d.itemKind,
              itemId: d.itemId,
              ruleId: d.ruleId,
              ruleSetVersion: this.rules.version,
              authorisedBy,
              records: rows.length,
              tombstones: erasure.tombstones.map((t) => t.id),
            },
            shown: erasure.content,
          },
        });
      }
      if (entries.length === 0) return { removed: 0, imageHashes: [] };
      if (notices.length > 0) await issueNotices(tx as Database, notices);
      const seqs = await this.trail.recordWithin(
        tx as Database,
        by,
        entries.map((e) => e.event),
      );
      for (const [i, entry] of entries.entries()) {
        await linkTombstonesToAudit(tx as Database, entry.tombstones, seqs[i] as number);
      }
      return { removed, imageHashes };
    });
    await this.intake.removeUnreferencedImages(this.db, imageHashes);
    return removed;
  }
}
