import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Database } from '../../storage/database.ts';
import type { ScrubReport } from '../../storage/scrub-deleted-rows.ts';
import type { AuditTrail } from '../audit/index.ts';
import { type ErasableKind, eraseRecord, linkTombstonesToAudit, type Tombstone } from '../records/index.ts';
import { overtakeApplications } from './deletion-applications.repository.ts';
import { issueNotices } from './deletion-notices.repository.ts';
import type { deletionNotices } from './retention.tables.ts';
import { dropDecisionsOfItems, dropPersonRetention, personRetentionTables } from './retention-decisions.repository.ts';
import { addDays } from './retention-engine.ts';
import { isoDay, RetentionUseCase } from './retention-use-case.ts';

/**
 * Carrying out a destruction: items deleted everywhere, with a tombstone, a notice to the owning force and the
 * content sealed in the audit vault.
 */
export class RetentionDeletion extends RetentionUseCase {
  /** Tables rows were deleted from since the last scrub. */
  private readonly touched = new Set<string>();

  /**
   * Ends a deletion run: scrubs what the deleted rows left in the files of the tables they were deleted from
   * (and any others named), so "deleted" holds on disk too (issue 13 item 8).
   */
  async scrubTouched(also: string[] = []): Promise<ScrubReport | { error: string } | undefined> {
    const tables = [...this.touched, ...also];
    this.touched.clear();
    if (tables.length === 0) return undefined;
    try {
      return await this.scrub(tables);
    } catch (error) {
      // The deletion itself has committed; a scrub that fails is retried after the next deletion run.
      for (const table of tables) this.touched.add(table);
      return { error: (error as Error).message };
    }
  }
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
        // The tombstone and the log entry outlive the record, so they carry the rule in the rule set's words and
        // nothing of the person: a decision's own reason names dates that give away a date of birth ("kept until
        // the subject is 100") or an outcome. That reason is sealed in the vault with the content, for auditors.
        const basis = this.ruleWords(d.ruleId);
        const erasure = await eraseRecord(tx as Database, d.itemKind, d.itemId, d.personId, {
          ruleId: d.ruleId,
          basis,
          authorisedBy,
          at: now,
        });
        const rows = Object.values(erasure.content).flat() as Record<string, string>[];
        if (rows.length === 0) continue;
        for (const table of Object.keys(erasure.content)) this.touched.add(table);
        for (const table of d.itemKind === 'PERSON_RECORD' ? personRetentionTables : ['retention_decisions'])
          this.touched.add(table);
        removed += rows.length;
        imageHashes.push(...erasure.imageHashes);
        const recordIds = rows.map((r) => r.id ?? r.person_id).filter((id): id is string => !!id);
        if (d.itemKind === 'PERSON_RECORD' || d.itemKind === 'EVENT') {
          const deleted = d.itemKind === 'PERSON_RECORD' ? { personId: d.personId } : { arrestId: d.itemId };
          await overtakeApplications(tx as Database, deleted, isoDay(now));
        }
        if (d.itemKind === 'PERSON_RECORD') {
          await dropPersonRetention(tx as Database, d.personId);
        } else {
          await dropDecisionsOfItems(tx as Database, recordIds);
        }
        notices.push(...noticesOf(erasure.tombstones, d, now, dueBy));
        entries.push({
          tombstones: erasure.tombstones.map((t) => t.id),
          event: {
            kind: 'RECORD_DELETED',
            action: 'retention.destroy',
            subjects: [d.personId],
            reasons: [basis],
            details: {
              itemKind: d.itemKind,
              itemId: d.itemId,
              ruleId: d.ruleId,
              ruleSetVersion: this.rules.version,
              authorisedBy,
              records: rows.length,
              tombstones: erasure.tombstones.map((t) => t.id),
            },
            shown: {
              ...erasure.content,
              retention_decision: [{ item_kind: d.itemKind, item_id: d.itemId, rule_id: d.ruleId, reason: d.reason }],
            },
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

  /** "C9: Outcome is not a conviction": a rule as the published rule set words it. */
  private ruleWords(ruleId: string): string {
    const rule = this.rules.rule(ruleId);
    return rule ? `${rule.id}: ${rule.title}` : ruleId;
  }
}

/** A notice to the owning force for each tombstone: delete your local copy of this record (brief 5.2, [S27]). */
function noticesOf(
  tombstones: Tombstone[],
  item: { personId: string; ruleId: string },
  issuedAt: Date,
  dueBy: string,
): (typeof deletionNotices.$inferInsert)[] {
  return tombstones.map((t) => ({
    id: randomUUID(),
    personId: item.personId,
    tombstoneId: t.id,
    owningOrganisationId: t.owningOrganisationId,
    recordKind: t.recordKind,
    recordId: t.recordId,
    sourceSystem: t.sourceSystem,
    sourceRecordId: t.sourceRecordId,
    ruleId: item.ruleId,
    issuedAt,
    dueBy,
  }));
}
