// A warning marker on a person.
import type { Database } from '../../storage/database.ts';
import { underPerson } from './person-owned-rows.ts';
import type { Links, Provenance, SourceKey, Written } from './record-intake.types.ts';
import type { MarkerRecordIn } from './records.schemas.ts';
import * as t from './records.tables.ts';

export function writeMarker(
  db: Database,
  r: MarkerRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
): Promise<Written> {
  return underPerson(db, t.markers, r.person, p, existing, links, () => ({
    markerType: r.markerType,
    code: r.code,
    description: r.description,
    reviewDue: r.reviewDue,
  }));
}
