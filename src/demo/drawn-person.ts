import type { Faker } from '@faker-js/faker';
import type { PgTable } from 'drizzle-orm/pg-core';
import { makeCroNumber, makePncId, nameKey } from '../modules/records/index.ts';
import * as t from '../modules/records/records.tables.ts';
import { drawArrest } from './drawn-arrest.ts';
import { forces, isoDate, markerCodes, niPrefixes } from './population-reference-data.ts';

// One synthetic person and everything recorded about them. Each step draws from the one seeded generator in a
// fixed order: the same seed and serial always give the same person, so the order of the steps below is part of
// the population and must not change.

export type AddRow = (table: PgTable, row: Record<string, unknown>) => void;

/** What every row drawn for one person shares: who they are, the force that supplied them, when. */
export interface PersonDraw {
  faker: Faker;
  serial: number;
  asOf: Date;
  add: AddRow;
  personId: string;
  personKey: string;
  birth: Date;
  force: (typeof forces)[number];
  provenance: (sourceRecordId: string) => Record<string, unknown>;
  sourceKey: (sourceRecordId: string, recordKind: string, recordId: string, personId: string) => void;
  /** Custody image bytes drawn, stored once the rows are. */
  pendingImages: Buffer[];
}

/** The person drawn last by each generator, so associations link people of the same chunk. */
const previousPerson = new WeakMap<Faker, string>();

/** Forgets the person drawn last, so a new chunk's first person links to no one of an earlier chunk. */
export function startChunk(faker: Faker): void {
  previousPerson.delete(faker);
}

export function drawPerson(
  faker: Faker,
  serial: number,
  asOf: Date,
  organisationIds: Map<string, string>,
  add: AddRow,
  pendingImages: Buffer[],
): number {
  const draw = startPerson(faker, serial, asOf, organisationIds, add, pendingImages);
  const { sex, forenames, surname } = drawIdentity(draw);
  drawNames(draw, sex, forenames, surname);
  drawDatesOfBirth(draw);
  drawAddresses(draw);
  const identifier = (identifierType: string, value: string) =>
    add(t.personIdentifiers, {
      id: faker.string.uuid(),
      personId: draw.personId,
      identifierType,
      value,
      ...draw.provenance(draw.personKey),
    });
  drawNationalIdentifiers(draw, identifier);
  drawMarker(draw);
  drawMissingPersonReport(draw);
  const arrestDates = drawArrestDates(draw);
  let images = 0;
  arrestDates.forEach((occurredAt, index) => {
    images += drawArrest(draw, occurredAt, index);
  });
  if (arrestDates[0]) identifier('PNC_ID', makePncId(arrestDates[0].getUTCFullYear(), serial));
  drawAssociation(draw);
  previousPerson.set(faker, draw.personId);
  return images;
}

function startPerson(
  faker: Faker,
  serial: number,
  asOf: Date,
  organisationIds: Map<string, string>,
  add: AddRow,
  pendingImages: Buffer[],
): PersonDraw {
  const force = faker.helpers.arrayElement(forces);
  const owningOrganisationId = organisationIds.get(force.code);
  if (!owningOrganisationId) throw new Error(`organisation ${force.code} must exist before seeding`);
  const sourceSystem = `${force.code}-DEMO`;
  const materialClass = 'EVIDENTIAL';
  const legalRegime = 'DPA2018_PART3';
  const at = asOf;
  const provenance = (sourceRecordId: string) => ({
    owningOrganisationId,
    sourceSystem,
    sourceRecordId,
    ingestBatchId: null,
    materialClass,
    legalRegime,
    createdAt: at,
    updatedAt: at,
  });
  const sourceKey = (sourceRecordId: string, recordKind: string, recordId: string, personId: string) =>
    add(t.sourceRecords, {
      sourceSystem,
      sourceRecordId,
      recordKind,
      recordId,
      personId,
      owningOrganisationId,
      contentSha256: 'seeded',
      updatedAt: at,
    });
  const personId = faker.string.uuid();
  return {
    faker,
    serial,
    asOf,
    add,
    personId,
    personKey: `P${serial}`,
    // Drawn in drawIdentity, after the sex: set there.
    birth: asOf,
    force,
    provenance,
    sourceKey,
    pendingImages,
  };
}

function drawIdentity(draw: PersonDraw): { sex: string; forenames: string; surname: string } {
  const { faker, asOf, personId } = draw;
  const sex = faker.helpers.weightedArrayElement([
    { value: 'MALE', weight: 74 },
    { value: 'FEMALE', weight: 25 },
    { value: 'NOT_KNOWN', weight: 1 },
  ]);
  const fakerSex = sex === 'FEMALE' ? 'female' : 'male';
  draw.birth = faker.date.between({ from: '1945-01-01', to: new Date(asOf.getTime() - 12 * 365.25 * 86400_000) });
  const surname = faker.person.lastName();
  const forenames =
    faker.helpers.maybe(() => `${faker.person.firstName(fakerSex)} ${faker.person.middleName(fakerSex)}`, {
      probability: 0.3,
    }) ?? faker.person.firstName(fakerSex);
  draw.add(t.people, {
    personId,
    sex,
    nationality: faker.helpers.weightedArrayElement([
      { value: 'British', weight: 85 },
      { value: 'Irish', weight: 3 },
      { value: 'Polish', weight: 3 },
      { value: 'Romanian', weight: 3 },
      { value: 'Nigerian', weight: 2 },
      { value: null, weight: 4 },
    ]),
    placeOfBirth: faker.helpers.maybe(() => faker.location.city(), { probability: 0.7 }) ?? null,
    heightCm: faker.number.int({ min: sex === 'FEMALE' ? 150 : 160, max: sex === 'FEMALE' ? 182 : 198 }),
    build: faker.helpers.arrayElement(['Slim', 'Medium', 'Stocky', 'Heavy', 'Athletic']),
    eyeColour: faker.helpers.arrayElement(['Blue', 'Brown', 'Green', 'Grey', 'Hazel']),
    hairColour: faker.helpers.arrayElement(['Black', 'Brown', 'Fair', 'Ginger', 'Grey', 'Bald']),
    distinguishingMarks:
      faker.helpers.maybe(
        () =>
          faker.helpers.arrayElement([
            'Tattoo on left forearm',
            'Scar above right eye',
            'Pierced eyebrow',
            'Tattoo of a rose on neck',
          ]),
        { probability: 0.15 },
      ) ?? null,
    ...draw.provenance(draw.personKey),
  });
  draw.sourceKey(draw.personKey, 'person', personId, personId);
  return { sex, forenames, surname };
}

function drawNames(draw: PersonDraw, sex: string, forenames: string, surname: string): void {
  const { faker, personId } = draw;
  const fakerSex = sex === 'FEMALE' ? 'female' : 'male';
  const name = (nameType: string, fn: string, sn: string) =>
    draw.add(t.personNames, {
      id: faker.string.uuid(),
      personId,
      nameType,
      forenames: fn,
      surname: sn,
      surnameKey: nameKey(sn),
      forenameKey: nameKey(fn),
      ...draw.provenance(draw.personKey),
    });
  name('PRIMARY', forenames, surname);
  if (faker.datatype.boolean({ probability: 0.2 }))
    name('ALIAS', faker.person.firstName(fakerSex), faker.datatype.boolean() ? surname : faker.person.lastName());
  if (sex === 'FEMALE' && faker.datatype.boolean({ probability: 0.15 }))
    name('MAIDEN', forenames, faker.person.lastName());
}

function drawDatesOfBirth(draw: PersonDraw): void {
  const { faker, personId, birth } = draw;
  const estimated = faker.datatype.boolean({ probability: 0.04 });
  draw.add(t.personDatesOfBirth, {
    id: faker.string.uuid(),
    personId,
    dateOfBirth: isoDate(birth),
    estimated,
    ...draw.provenance(draw.personKey),
  });
  if (faker.datatype.boolean({ probability: 0.05 })) {
    const other = new Date(birth.getTime() + faker.number.int({ min: -800, max: 800 }) * 86400_000);
    draw.add(t.personDatesOfBirth, {
      id: faker.string.uuid(),
      personId,
      dateOfBirth: isoDate(other),
      estimated: false,
      ...draw.provenance(draw.personKey),
    });
  }
}

function drawAddresses(draw: PersonDraw): void {
  const { faker, personId, birth, asOf } = draw;
  const addressCount = faker.helpers.weightedArrayElement([
    { value: 1, weight: 70 },
    { value: 2, weight: 25 },
    { value: 0, weight: 5 },
  ]);
  for (let a = 0; a < addressCount; a++) {
    draw.add(t.personAddresses, {
      id: faker.string.uuid(),
      personId,
      addressType: a === 0 ? 'HOME' : 'LAST_KNOWN',
      lines: [faker.location.streetAddress()],
      town: faker.location.city(),
      postcode: faker.location.zipCode(),
      validFrom: isoDate(
        faker.date.between({
          from: new Date(Math.min(birth.getTime() + 16 * 365 * 86400_000, asOf.getTime() - 86400_000)),
          to: asOf,
        }),
      ),
      validTo: null,
      ...draw.provenance(draw.personKey),
    });
  }
}

function drawNationalIdentifiers(draw: PersonDraw, identifier: (type: string, value: string) => void): void {
  const { faker, serial } = draw;
  if (faker.datatype.boolean({ probability: 0.5 })) {
    identifier(
      'NI_NUMBER',
      `${niPrefixes[serial % niPrefixes.length]}${String(Math.floor(serial / niPrefixes.length) % 1_000_000).padStart(6, '0')}${'ABCD'[Math.floor(serial / (niPrefixes.length * 1_000_000)) % 4]}`,
    );
  }
  if (faker.datatype.boolean({ probability: 0.4 }))
    identifier('CRO_NUMBER', makeCroNumber((serial % 999_999) + 1, 50 + Math.floor(serial / 999_999)));
}

function drawMarker(draw: PersonDraw): void {
  const { faker, serial, asOf, personId } = draw;
  if (!faker.datatype.boolean({ probability: 0.15 })) return;
  const marker = faker.helpers.arrayElement(markerCodes);
  const key = `M${serial}`;
  const id = faker.string.uuid();
  draw.add(t.markers, {
    id,
    personId,
    markerType: marker.type,
    code: marker.code,
    description: marker.description,
    reviewDue: isoDate(
      faker.date.between({
        from: new Date(asOf.getTime() - 90 * 86400_000),
        to: new Date(asOf.getTime() + 3 * 365 * 86400_000),
      }),
    ),
    ...draw.provenance(key),
  });
  draw.sourceKey(key, 'marker', id, personId);
}

function drawMissingPersonReport(draw: PersonDraw): void {
  const { faker, serial, asOf, personId } = draw;
  if (!faker.datatype.boolean({ probability: 0.03 })) return;
  const key = `MP${serial}`;
  const id = faker.string.uuid();
  const reportedAt = faker.date.between({ from: new Date(asOf.getTime() - 5 * 365 * 86400_000), to: asOf });
  const found = faker.datatype.boolean({ probability: 0.8 });
  draw.add(t.missingPersonReports, {
    id,
    personId,
    reportedAt,
    lastSeenAt: new Date(reportedAt.getTime() - faker.number.int({ min: 1, max: 48 }) * 3600_000),
    lastSeenLocation: faker.location.city(),
    riskLevel: faker.helpers.arrayElement(['LOW', 'MEDIUM', 'HIGH']),
    circumstances: faker.helpers.arrayElement([
      'Did not return home after school',
      'Left care placement',
      'Missed medication and left hospital',
      'Left home after an argument',
    ]),
    status: found ? 'FOUND' : 'MISSING',
    foundAt: found ? new Date(reportedAt.getTime() + faker.number.int({ min: 2, max: 240 }) * 3600_000) : null,
    ...draw.provenance(key),
  });
  draw.sourceKey(key, 'missing-person-report', id, personId);
}

function drawArrestDates(draw: PersonDraw): Date[] {
  const { faker, birth, asOf } = draw;
  const arrestCount = faker.helpers.weightedArrayElement([
    { value: 0, weight: 15 },
    { value: 1, weight: 50 },
    { value: 2, weight: 20 },
    { value: 3, weight: 10 },
    { value: 4, weight: 5 },
  ]);
  const adulthood = new Date(birth.getTime() + 10 * 365.25 * 86400_000);
  return Array.from({ length: arrestCount }, () =>
    faker.date.between({ from: adulthood > new Date('2000-01-01') ? adulthood : new Date('2000-01-01'), to: asOf }),
  ).sort((a, b) => a.getTime() - b.getTime());
}

/** Some people are linked to the person drawn just before them in the same chunk (family or associates). */
function drawAssociation(draw: PersonDraw): void {
  const { faker, serial, personId } = draw;
  const previous = previousPerson.get(faker);
  if (!previous || !faker.datatype.boolean({ probability: 0.1 })) return;
  const key = `L${serial}`;
  const id = faker.string.uuid();
  draw.add(t.personAssociations, {
    id,
    personId,
    associatePersonId: previous,
    relationship: faker.helpers.arrayElement(['FAMILY', 'ASSOCIATE', 'CO_ACCUSED']),
    ...draw.provenance(key),
  });
  draw.sourceKey(key, 'association', id, personId);
}
