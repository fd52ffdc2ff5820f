// An association between two people LEDS holds: both must be people the pusher may link to.
import type { Database } from '../../storage/database.ts';
import { underPerson } from './person-owned-rows.ts';
import type { Links, Provenance, SourceKey, Written } from './record-intake.types.ts';
import { resolvePerson } from './record-links.ts';
import { reject } from './record-rejection.ts';
import type { AssociationRecordIn } from './records.schemas.ts';
import * as t from './records.tables.ts';

export function writeAssociation(
  db: Database,
  r: AssociationRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
): Promise<Written> {
  return underPerson(db, t.personAssociations, r.person, p, existing, links, async (personId) => {
    const associatePersonId = await resolvePerson(db, r.associate, p, links, '/associate');
    if (associatePersonId === personId) reject('/associate', 'a person cannot be their own associate');
    return { associatePersonId, relationship: r.relationship };
  });
}
