// A biometric reference: where a person's fingerprints or DNA are held (IDENT1, NDNAD), never the biometrics.
import type { Database } from '../../storage/database.ts';
import { underPerson } from './person-owned-rows.ts';
import type { Links, Provenance, SourceKey, Written } from './record-intake.types.ts';
import { resolveArrest } from './record-links.ts';
import { reject } from './record-rejection.ts';
import type { BiometricReferenceRecordIn } from './records.schemas.ts';
import * as t from './records.tables.ts';

export function writeBiometricReference(
  db: Database,
  r: BiometricReferenceRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
): Promise<Written> {
  return underPerson(db, t.biometricReferences, r.person, p, existing, links, async (personId) => {
    let arrestId: string | null = null;
    if (r.arrest) {
      const arrest = await resolveArrest(db, r.arrest, p, links);
      if (arrest.personId !== personId) reject('/arrest', 'the arrest belongs to another person');
      arrestId = arrest.arrestId;
    }
    if (r.identityConfirmed && r.biometricType !== 'FINGERPRINTS')
      reject('/identityConfirmed', 'only a fingerprint match confirms identity');
    return {
      arrestId,
      biometricType: r.biometricType,
      holdingSystem: r.holdingSystem,
      reference: r.reference,
      status: r.status,
      takenAt: new Date(r.takenAt),
      identityConfirmed: r.identityConfirmed ?? false,
      confirmedAt: r.confirmedAt ? new Date(r.confirmedAt) : null,
      takenUnder: r.takenUnder ?? 'ARREST',
      purposeFulfilledOn: r.purposeFulfilledOn ?? null,
      profileDerivedAt: r.profileDerivedAt ? new Date(r.profileDerivedAt) : null,
    };
  });
}
