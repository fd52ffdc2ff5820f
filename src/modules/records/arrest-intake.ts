// Arrests and summonses, and the court cases and custody records that hang from them.
import type { Database } from '../../storage/database.ts';
import { parseAsn } from './identifiers.ts';
import { underArrest, underPerson } from './person-owned-rows.ts';
import type { Links, Provenance, SourceKey, Written } from './record-intake.types.ts';
import { resolveArrest } from './record-links.ts';
import { reject } from './record-rejection.ts';
import type { ArrestRecordIn, CourtCaseRecordIn, CustodyRecordIn } from './records.schemas.ts';
import * as t from './records.tables.ts';

export function writeArrest(
  db: Database,
  r: ArrestRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
): Promise<Written> {
  return underPerson(db, t.arrests, r.person, p, existing, links, async (personId) => {
    const asn = parseAsn(r.asn);
    if (!asn.ok) return reject('/asn', `\`${r.asn}\` ${asn.reason}`);
    let arisingFromArrestId: string | null = null;
    if (r.arisingFrom) {
      const earlier = await resolveArrest(db, r.arisingFrom, p, links, '/arisingFrom');
      if (earlier.personId !== personId) reject('/arisingFrom', 'the earlier arrest belongs to another person');
      arisingFromArrestId = earlier.arrestId;
    }
    return {
      arisingFromArrestId,
      asn: asn.value,
      eventType: r.eventType,
      occurredAt: new Date(r.occurredAt),
      location: r.location ?? null,
      officerInCase: r.officerInCase ?? null,
      fingerprintStatus: r.fingerprintStatus,
      offenceSummary: r.offenceSummary,
    };
  });
}

export function writeCourtCase(
  db: Database,
  r: CourtCaseRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
): Promise<Written> {
  return underArrest(db, t.courtCases, r.arrest, p, existing, links, () => ({
    courtName: r.courtName,
    firstHearingOn: r.firstHearingOn,
    plea: r.plea ?? null,
  }));
}

export function writeCustodyRecord(
  db: Database,
  r: CustodyRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
): Promise<Written> {
  return underArrest(db, t.custodyRecords, r.arrest, p, existing, links, () => ({
    custodyReference: r.custodyReference,
    station: r.station,
    openedAt: new Date(r.openedAt),
    releasedAt: r.releasedAt ? new Date(r.releasedAt) : null,
  }));
}
