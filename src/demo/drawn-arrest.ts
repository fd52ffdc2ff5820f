import type { Faker } from '@faker-js/faker';
import { makeAsn } from '../modules/records/index.ts';
import * as t from '../modules/records/records.tables.ts';
import { sha256Hex } from '../platform/crypto.ts';
import { drawCustodyImage } from './custody-image-drawing.ts';
import type { PersonDraw } from './drawn-person.ts';
import { courts, isoDate, type Offence, offenceList, outcomeMix } from './population-reference-data.ts';

// One arrest or summons of a synthetic person and what followed it: the charge, the offence, the court case, the
// disposal, the custody record and image, the fingerprints and DNA. The steps draw from the person's generator in
// a fixed order (see drawn-person.ts).

function pick<T>(faker: Faker, weighted: [T, number][]): T {
  return faker.helpers.weightedArrayElement(weighted.map(([value, weight]) => ({ value, weight })));
}

/** What the later steps of one arrest need to know of it. */
interface ArrestDraw {
  arrestId: string;
  occurredAt: Date;
  index: number;
  offence: Offence;
  station: string;
  fingerprintStatus: string;
}

/** Draws one arrest and what followed; returns how many custody images it drew. */
export function drawArrest(draw: PersonDraw, occurredAt: Date, index: number): number {
  const arrest = drawArrestRow(draw, occurredAt, index);
  drawOutcome(draw, arrest);
  const images = drawCustody(draw, arrest);
  drawBiometrics(draw, arrest);
  return images;
}

function drawArrestRow(draw: PersonDraw, occurredAt: Date, index: number): ArrestDraw {
  const { faker, serial, force, personId } = draw;
  const key = `A${serial}-${index + 1}`;
  const arrestId = faker.string.uuid();
  const offence = faker.helpers.arrayElement(offenceList);
  const station = faker.helpers.arrayElement(force.stations);
  const fingerprintStatus = faker.helpers.weightedArrayElement([
    { value: 'CONFIRMED', weight: 30 },
    { value: 'SUBMITTED', weight: 45 },
    { value: 'TAKEN', weight: 15 },
    { value: 'NOT_TAKEN', weight: 10 },
  ]);
  draw.add(t.arrests, {
    id: arrestId,
    personId,
    asn: makeAsn(
      occurredAt.getUTCFullYear(),
      force.number,
      faker.string.alpha({ length: 2, casing: 'upper' }),
      '01',
      serial * 10 + index,
    ),
    eventType: faker.datatype.boolean({ probability: 0.92 }) ? 'ARREST' : 'SUMMONS',
    occurredAt,
    location: `${faker.location.street()}, ${faker.location.city()}`,
    officerInCase: `PC ${faker.number.int({ min: 100, max: 9999 })}`,
    fingerprintStatus,
    offenceSummary: offence.title,
    ...draw.provenance(key),
  });
  draw.sourceKey(key, 'arrest', arrestId, personId);
  return { arrestId, occurredAt, index, offence, station, fingerprintStatus };
}

/** The charge (if any), the offence, the court case (if it went to court) and the disposal (once decided). */
function drawOutcome(draw: PersonDraw, arrest: ArrestDraw): void {
  const { faker, serial, personId, asOf } = draw;
  const { arrestId, occurredAt, index, offence } = arrest;
  const outcome = pick(faker, outcomeMix);
  const charged = ['CONVICTED', 'ACQUITTED', 'WITHDRAWN', 'DISCONTINUED', 'DISMISSED', 'PENDING'].includes(outcome);
  const offenceId = faker.string.uuid();
  let chargeId: string | null = null;
  const decidedOn = new Date(occurredAt.getTime() + faker.number.int({ min: 1, max: 300 }) * 86400_000);
  if (charged) {
    chargeId = faker.string.uuid();
    draw.add(t.charges, {
      id: chargeId,
      personId,
      arrestId,
      chargedOn: isoDate(new Date(occurredAt.getTime() + 86400_000)),
      ...draw.provenance(`C${serial}-${index + 1}`),
    });
    draw.sourceKey(`C${serial}-${index + 1}`, 'charge', chargeId, personId);
  }
  draw.add(t.offences, {
    id: offenceId,
    personId,
    arrestId,
    chargeId,
    offenceCode: offence.code,
    title: offence.title,
    committedOn: isoDate(occurredAt),
    recordable: offence.recordable,
    qualifying: offence.qualifying,
    ...draw.provenance(`O${serial}-${index + 1}`),
  });
  draw.sourceKey(`O${serial}-${index + 1}`, 'offence', offenceId, personId);
  let courtCaseId: string | null = null;
  if (charged && outcome !== 'WITHDRAWN' && outcome !== 'DISCONTINUED') {
    courtCaseId = faker.string.uuid();
    draw.add(t.courtCases, {
      id: courtCaseId,
      personId,
      arrestId,
      courtName: faker.helpers.arrayElement(courts),
      firstHearingOn: isoDate(new Date(occurredAt.getTime() + 21 * 86400_000)),
      plea: outcome === 'CONVICTED' ? faker.helpers.arrayElement(['GUILTY', 'NOT_GUILTY']) : 'NOT_GUILTY',
      ...draw.provenance(`K${serial}-${index + 1}`),
    });
    draw.sourceKey(`K${serial}-${index + 1}`, 'court-case', courtCaseId, personId);
  }
  if (outcome !== 'PENDING' && decidedOn < asOf)
    drawDisposal(draw, arrest, { outcome, decidedOn, offenceId, courtCaseId });
}

function drawDisposal(
  draw: PersonDraw,
  arrest: ArrestDraw,
  decided: { outcome: string; decidedOn: Date; offenceId: string; courtCaseId: string | null },
): void {
  const { faker, serial, personId } = draw;
  const { outcome } = decided;
  const custodial = outcome === 'CONVICTED' && faker.datatype.boolean({ probability: 0.25 });
  const months = custodial ? faker.number.int({ min: 2, max: 72 }) : null;
  const id = faker.string.uuid();
  draw.add(t.disposals, {
    id,
    personId,
    arrestId: arrest.arrestId,
    offenceId: decided.offenceId,
    courtCaseId: decided.courtCaseId,
    outcome,
    disposedOn: isoDate(decided.decidedOn),
    recordable: arrest.offence.recordable,
    sentence:
      outcome === 'CONVICTED'
        ? custodial
          ? `Imprisonment, ${months} months`
          : faker.helpers.arrayElement([
              'Fine £200',
              'Community order, 12 months',
              'Conditional discharge, 12 months',
              'Fine £80',
            ])
        : null,
    custodialMonths: months,
    ...draw.provenance(`D${serial}-${arrest.index + 1}`),
  });
  draw.sourceKey(`D${serial}-${arrest.index + 1}`, 'disposal', id, personId);
}

/** The custody record (most arrests) and its custody image (most custody records); returns the images drawn. */
function drawCustody(draw: PersonDraw, arrest: ArrestDraw): number {
  const { faker, serial, force, personId, birth } = draw;
  const { arrestId, occurredAt, index } = arrest;
  if (!faker.datatype.boolean({ probability: 0.9 })) return 0;
  const custodyRecordId = faker.string.uuid();
  draw.add(t.custodyRecords, {
    id: custodyRecordId,
    personId,
    arrestId,
    custodyReference: `${force.code}/${occurredAt.getUTCFullYear()}/${String(serial * 10 + index).padStart(8, '0')}`,
    station: arrest.station,
    openedAt: occurredAt,
    releasedAt: new Date(occurredAt.getTime() + faker.number.int({ min: 3, max: 36 }) * 3600_000),
    ...draw.provenance(`R${serial}-${index + 1}`),
  });
  draw.sourceKey(`R${serial}-${index + 1}`, 'custody-record', custodyRecordId, personId);
  if (!faker.datatype.boolean({ probability: 0.85 })) return 0;
  const bytes = drawCustodyImage(faker, serial * 10 + index);
  draw.pendingImages.push(bytes);
  const id = faker.string.uuid();
  const takenAt = new Date(occurredAt.getTime() + 3600_000);
  draw.add(t.custodyImages, {
    id,
    personId,
    arrestId,
    custodyRecordId,
    takenAt,
    subjectAgeAtCapture: Math.floor((takenAt.getTime() - birth.getTime()) / (365.25 * 86400_000)),
    mediaType: 'image/png',
    byteSize: bytes.length,
    contentSha256: sha256Hex(bytes),
    ...draw.provenance(`I${serial}-${index + 1}`),
  });
  draw.sourceKey(`I${serial}-${index + 1}`, 'custody-image', id, personId);
  return 1;
}

/** Fingerprints unless none were taken, and a DNA profile for some arrests. */
function drawBiometrics(draw: PersonDraw, arrest: ArrestDraw): void {
  const { faker, serial, personId } = draw;
  const { arrestId, occurredAt, index, fingerprintStatus } = arrest;
  if (fingerprintStatus !== 'NOT_TAKEN') {
    const isConfirmed = fingerprintStatus === 'CONFIRMED';
    const id = faker.string.uuid();
    draw.add(t.biometricReferences, {
      id,
      personId,
      arrestId,
      biometricType: 'FINGERPRINTS',
      holdingSystem: 'IDENT1',
      reference: `ID1-${String(serial).padStart(8, '0')}-${index + 1}`,
      status: isConfirmed ? 'MATCHED' : 'LOADED',
      takenAt: new Date(occurredAt.getTime() + 2 * 3600_000),
      identityConfirmed: isConfirmed,
      confirmedAt: isConfirmed ? new Date(occurredAt.getTime() + 26 * 3600_000) : null,
      ...draw.provenance(`F${serial}-${index + 1}`),
    });
    draw.sourceKey(`F${serial}-${index + 1}`, 'biometric-reference', id, personId);
  }
  if (faker.datatype.boolean({ probability: 0.4 })) {
    const id = faker.string.uuid();
    draw.add(t.biometricReferences, {
      id,
      personId,
      arrestId,
      biometricType: 'DNA_PROFILE',
      holdingSystem: 'NDNAD',
      reference: `NDNAD-${String(serial).padStart(9, '0')}${index + 1}`,
      status: 'LOADED',
      takenAt: new Date(occurredAt.getTime() + 2 * 3600_000),
      identityConfirmed: false,
      confirmedAt: null,
      ...draw.provenance(`N${serial}-${index + 1}`),
    });
    draw.sourceKey(`N${serial}-${index + 1}`, 'biometric-reference', id, personId);
  }
}
