// A disposal: the outcome of an arrest, tied to one of its offences or court cases when the source names one.
import { eq } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';
import { underArrest } from './person-owned-rows.ts';
import type { Links, Provenance, SourceKey, Written } from './record-intake.types.ts';
import { referenced } from './record-links.ts';
import { reject } from './record-rejection.ts';
import type { DisposalRecordIn } from './records.schemas.ts';
import * as t from './records.tables.ts';

export function writeDisposal(
  db: Database,
  r: DisposalRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
): Promise<Written> {
  return underArrest(db, t.disposals, r.arrest, p, existing, links, async ({ arrestId, personId }) => {
    let offenceId: string | null = null;
    if (r.offenceSourceRecordId) {
      const key = await referenced(db, p, links, r.offenceSourceRecordId, 'offence', '/offenceSourceRecordId');
      const [offence] = await db
        .select({ arrestId: t.offences.arrestId })
        .from(t.offences)
        .where(eq(t.offences.id, key.recordId));
      if (offence?.arrestId !== arrestId) reject('/offenceSourceRecordId', 'the offence belongs to another arrest');
      offenceId = key.recordId;
    }
    let courtCaseId: string | null = null;
    if (r.courtCaseSourceRecordId) {
      const key = await referenced(db, p, links, r.courtCaseSourceRecordId, 'court-case', '/courtCaseSourceRecordId');
      if (key.personId !== personId) reject('/courtCaseSourceRecordId', 'the court case belongs to another person');
      courtCaseId = key.recordId;
    }
    return {
      offenceId,
      courtCaseId,
      outcome: r.outcome,
      disposedOn: r.disposedOn,
      recordable: r.recordable,
      sentence: r.sentence ?? null,
      custodialMonths: r.custodialMonths ?? null,
      jurisdiction: r.jurisdiction ?? 'ENGLAND_AND_WALES',
    };
  });
}
