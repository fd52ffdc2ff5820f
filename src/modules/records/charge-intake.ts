// A charge and the offences it lists: each offence is a record of its own, with its own idempotency key.
import { randomUUID } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import type { Clock } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Database } from '../../storage/database.ts';
import { underArrest, upsertRow } from './person-owned-rows.ts';
import type { Links, Provenance, SourceKey, Written } from './record-intake.types.ts';
import { reject } from './record-rejection.ts';
import type { ChargeRecordIn } from './records.schemas.ts';
import * as t from './records.tables.ts';
import { saveSourceKey, sourceKey } from './source-records.ts';

export async function writeCharge(
  db: Database,
  r: ChargeRecordIn,
  p: Provenance,
  existing: SourceKey | undefined,
  links: Links,
  clock: Clock,
): Promise<Written> {
  let arrestId = '';
  const written = await underArrest(db, t.charges, r.arrest, p, existing, links, (owner) => {
    arrestId = owner.arrestId;
    return { chargedOn: r.chargedOn };
  });
  const personId = written.personId as string;
  for (const [index, offence] of r.offences.entries()) {
    const key = await sourceKey(db, p.sourceSystem, offence.sourceRecordId);
    if (key && (key.recordKind !== 'offence' || key.personId !== personId)) {
      reject(
        `/offences/${index}/sourceRecordId`,
        `\`${offence.sourceRecordId}\` is already another record of \`${p.sourceSystem}\``,
      );
    }
    const offenceId = key?.recordId ?? randomUUID();
    await upsertRow(db, t.offences, t.offences.id, {
      id: offenceId,
      personId,
      arrestId,
      chargeId: written.recordId,
      offenceCode: offence.offenceCode,
      title: offence.title,
      committedOn: offence.committedOn ?? null,
      recordable: offence.recordable,
      qualifying: offence.qualifying,
      ...p,
      sourceRecordId: offence.sourceRecordId,
    });
    await saveSourceKey(
      db,
      clock,
      'offence',
      offence.sourceRecordId,
      { recordId: offenceId, personId },
      { organisationId: p.owningOrganisationId, sourceSystem: p.sourceSystem },
      sha256Hex(stringify(offence) ?? ''),
    );
  }
  return written;
}
