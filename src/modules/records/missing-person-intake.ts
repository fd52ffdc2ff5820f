// Missing person reports, and unidentified remains (which name no person until they are identified).
import { randomUUID } from 'node:crypto';
import type { Database } from '../../storage/database.ts';
import { underPerson, upsertRow } from './person-owned-rows.ts';
import type { Links, Provenance, SourceKey, Written } from './record-intake.types.ts';
import { reject } from './record-rejection.ts';
import type { MissingPersonReportRecordIn, UnidentifiedRemainsRecordIn } from './records.schemas.ts';
import * as t from './records.tables.ts';

export function writeMissingPersonReport(
  db: Database,
  r: MissingPersonReportRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
): Promise<Written> {
  return underPerson(db, t.missingPersonReports, r.person, p, existing, links, () => {
    if (r.status === 'FOUND' && !r.foundAt) reject('/foundAt', 'is required when the status is FOUND');
    return {
      reportedAt: new Date(r.reportedAt),
      lastSeenAt: r.lastSeenAt ? new Date(r.lastSeenAt) : null,
      lastSeenLocation: r.lastSeenLocation ?? null,
      riskLevel: r.riskLevel,
      circumstances: r.circumstances,
      status: r.status,
      foundAt: r.foundAt ? new Date(r.foundAt) : null,
    };
  });
}

export async function writeUnidentifiedRemains(
  db: Database,
  r: UnidentifiedRemainsRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  _links: Links,
): Promise<Written> {
  if (r.estimatedAgeMin !== undefined && r.estimatedAgeMax !== undefined && r.estimatedAgeMin > r.estimatedAgeMax) {
    reject('/estimatedAgeMax', 'must not be less than estimatedAgeMin');
  }
  const id = existing?.recordId ?? randomUUID();
  await upsertRow(db, t.unidentifiedRemains, t.unidentifiedRemains.id, {
    id,
    foundOn: r.foundOn,
    foundLocation: r.foundLocation,
    sex: r.sex,
    estimatedAgeMin: r.estimatedAgeMin ?? null,
    estimatedAgeMax: r.estimatedAgeMax ?? null,
    description: r.description,
    ...p,
  });
  return { recordId: id, personId: null };
}
