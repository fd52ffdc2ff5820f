import { LedsError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { Database } from '../../storage/database.ts';
import { type AuditEntrySummary, type AuditLog, findAuditEntries, readAuditEntry } from '../audit/index.ts';
import { tombstonesOfRecord } from '../records/index.ts';
import { noticesOfTombstones, type RetentionRuleSet } from '../retention/index.ts';

/**
 * What an auditor sees of a deleted record (issue 13 item 6): each tombstone (what went, when, under which rule
 * and legal basis, who decided), the notice to the owning force and its acknowledgement, the person's audit trail,
 * and the content as it was, from the audit vault, while the audit retention keeps it. The caller has checked the
 * audit case and audits the opening.
 */
export async function deletedRecord(deps: { db: Database; log: AuditLog; rules: RetentionRuleSet }, id: string) {
  const { db, log, rules } = deps;
  const tombstones = isUuid(id) ? await tombstonesOfRecord(db, id.toLowerCase()) : [];
  const first = tombstones[0];
  if (!first) {
    throw new LedsError('AUDIT_DELETED_RECORD_NOT_FOUND', `LEDS holds no tombstone for record \`${id}\``, [
      { field: 'id', message: 'no deleted record has this id' },
    ]);
  }
  const notices = await noticesOfTombstones(
    db,
    tombstones.map((t) => t.id),
  );
  const deletion = first.auditSeq === null ? null : await readAuditEntry(db, log, first.auditSeq);
  const trail: AuditEntrySummary[] = await findAuditEntries(db, { personId: first.personId, limit: 100 });
  return {
    personId: first.personId,
    tombstones: tombstones.map((t) => {
      const rule = rules.rule(t.ruleId);
      return {
        id: t.id,
        recordKind: t.recordKind,
        recordId: t.recordId,
        sourceSystem: t.sourceSystem,
        sourceRecordId: t.sourceRecordId,
        owningOrganisationId: t.owningOrganisationId,
        deletedAt: t.deletedAt.toISOString(),
        authorisedBy: t.authorisedBy,
        ruleId: t.ruleId,
        basis: t.basis,
        legalBasis: rule ? { title: rule.title, citation: rule.citation, confidence: rules.confidenceOf(rule) } : null,
        auditSeq: t.auditSeq,
      };
    }),
    notices: notices.map((n) => ({
      id: n.id,
      tombstoneId: n.tombstoneId,
      owningOrganisationId: n.owningOrganisationId,
      issuedAt: n.issuedAt.toISOString(),
      dueBy: n.dueBy,
      acknowledgedAt: n.acknowledgedAt?.toISOString() ?? null,
      acknowledgedBy: n.acknowledgedBy,
      chaseCount: n.chaseCount,
    })),
    // The rows as they were: sealed in the vault with the deletion's audit entry, until its period's key goes.
    content: deletion
      ? { state: deletion.shown.state, rows: deletion.shown.content }
      : { state: 'not-recorded', rows: null },
    trail,
  };
}
