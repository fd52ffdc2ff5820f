import { type Faker, fakerEN_GB } from '@faker-js/faker';
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { PNG } from 'pngjs';
import {
  type CustodyImageStore,
  type DisposalOutcome,
  makeAsn,
  makeCroNumber,
  makePncId,
  nameKey,
} from '../modules/records/index.ts';
import * as t from '../modules/records/records.tables.ts';
import { sha256Hex } from '../platform/crypto.ts';
import { bulkInsert } from '../storage/bulk-insert.ts';
import type { Database } from '../storage/database.ts';
import { withoutItemsDue } from './population-steady-state.ts';

// Synthetic people for the demo and the benchmarks. No real personal data: names come from faker's en_GB lists,
// every identifier is generated, and custody images are abstract pictures drawn here.

interface Offence {
  code: string;
  title: string;
  recordable: boolean;
  qualifying: boolean;
}

const offenceList: Offence[] = [
  { code: 'TH68001', title: 'Theft from a shop', recordable: true, qualifying: false },
  { code: 'TH68010', title: 'Theft of a pedal cycle', recordable: true, qualifying: false },
  { code: 'OF61102', title: 'Assault by beating', recordable: true, qualifying: false },
  { code: 'OF20001', title: 'Assault occasioning actual bodily harm', recordable: true, qualifying: true },
  { code: 'OF18001', title: 'Wounding with intent to do grievous bodily harm', recordable: true, qualifying: true },
  { code: 'TH68046', title: 'Burglary of a dwelling', recordable: true, qualifying: true },
  { code: 'MD71230', title: 'Possession of a controlled drug of class B', recordable: true, qualifying: false },
  { code: 'MD71233', title: 'Possession with intent to supply a class A drug', recordable: true, qualifying: false },
  { code: 'CD71040', title: 'Criminal damage', recordable: true, qualifying: false },
  { code: 'RT88007', title: 'Driving with excess alcohol', recordable: true, qualifying: false },
  { code: 'PU86001', title: 'Using threatening or abusive words or behaviour', recordable: true, qualifying: false },
  { code: 'FI68001', title: 'Possession of a bladed article in a public place', recordable: true, qualifying: false },
  { code: 'RB64001', title: 'Robbery', recordable: true, qualifying: true },
  { code: 'FR06001', title: 'Fraud by false representation', recordable: true, qualifying: false },
  { code: 'PU86020', title: 'Being drunk and disorderly', recordable: false, qualifying: false },
];

/** Outcomes in the proportions the demo shows; a good share end without a conviction. */
const outcomeMix: [DisposalOutcome | 'PENDING', number][] = [
  ['NO_FURTHER_ACTION', 30],
  ['CONVICTED', 28],
  ['ACQUITTED', 8],
  ['WITHDRAWN', 5],
  ['DISCONTINUED', 4],
  ['CAUTION', 9],
  ['PENALTY_NOTICE', 4],
  ['COMMUNITY_RESOLUTION', 3],
  ['CONDITIONAL_CAUTION', 2],
  ['DISMISSED', 2],
  ['PENDING', 5],
];

const markerCodes = [
  { type: 'WARNING_SIGNAL', code: 'FI', description: 'Firearms' },
  { type: 'WARNING_SIGNAL', code: 'WE', description: 'Weapons' },
  { type: 'WARNING_SIGNAL', code: 'VI', description: 'Violent' },
  { type: 'WARNING_SIGNAL', code: 'ES', description: 'Escaper' },
  { type: 'WARNING_SIGNAL', code: 'SH', description: 'Self-harm' },
  { type: 'WARNING_SIGNAL', code: 'MH', description: 'Mental health' },
  { type: 'INFORMATION_MARKER', code: 'DR', description: 'Drugs' },
  { type: 'INFORMATION_MARKER', code: 'IM', description: 'Impersonation: uses other identities' },
] as const;

const forces = [
  { code: 'MPS', number: '01', stations: ['Charing Cross', 'Brixton', 'Lewisham', 'Wembley'] },
  { code: 'WMP', number: '20', stations: ['Perry Barr', 'Oldbury', 'Coventry Central'] },
  { code: 'GMP', number: '06', stations: ['Manchester Central', 'Swinton', 'Bolton'] },
  { code: 'TVP', number: '43', stations: ['Abingdon', 'Loddon Valley', 'Milton Keynes'] },
  { code: 'ASP', number: '52', stations: ['Patchway', 'Keynsham', 'Bridgwater'] },
];

const courts = [
  'Westminster Magistrates’ Court',
  'Birmingham Crown Court',
  'Manchester Magistrates’ Court',
  'Reading Crown Court',
  'Bristol Magistrates’ Court',
];

/** A small custody-image stand-in: an abstract head-and-shoulders shape in colours drawn from the seed. */
function drawCustodyImage(faker: Faker, serial: number): Buffer {
  const width = 24;
  const height = 32;
  const png = new PNG({ width, height });
  const background = [200 + faker.number.int(40), 200 + faker.number.int(40), 210 + faker.number.int(40)];
  const skin = [120 + faker.number.int(120), 90 + faker.number.int(100), 60 + faker.number.int(90)];
  const shirt = [faker.number.int(255), faker.number.int(255), faker.number.int(255)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const head = (x - 12) ** 2 / 36 + (y - 11) ** 2 / 64 <= 1;
      const shoulders = y >= 22 && Math.abs(x - 12) <= 4 + (y - 22);
      const colour = head ? skin : shoulders ? shirt : background;
      const i = (y * width + x) * 4;
      png.data[i] = colour[0] as number;
      png.data[i + 1] = colour[1] as number;
      png.data[i + 2] = colour[2] as number;
      png.data[i + 3] = 255;
    }
  }
  // The serial in the corner pixel makes every picture's bytes, and so its hash, distinct.
  png.data[0] = serial & 0xff;
  png.data[1] = (serial >> 8) & 0xff;
  png.data[2] = (serial >> 16) & 0xff;
  return PNG.sync.write(png, { colorType: 2 });
}

function pick<T>(faker: Faker, weighted: [T, number][]): T {
  return faker.helpers.weightedArrayElement(weighted.map(([value, weight]) => ({ value, weight })));
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const niPrefixes = ['AB', 'CE', 'GH', 'JK', 'LM', 'NP', 'RS', 'TW', 'WX', 'YZ'];

export interface PopulationOptions {
  people: number;
  /** Seed for the generator: the same seed and count give the same people. */
  seed?: number;
  /** The day the population is drawn as of; events fall before it. */
  asOf?: Date;
  /** Number of the first person, so populations can be added to. */
  firstSerial?: number;
  peoplePerTransaction?: number;
  onProgress?: (peopleDone: number) => void;
  /** The ids of the items of these people (just written) that the retention rules would destroy today. */
  dueForDestruction?: (tx: Database, personIds: string[]) => Promise<string[]>;
  /** Runs after each chunk has committed (seeding brings its retention decisions up to date here). */
  afterChunk?: (personIds: string[]) => Promise<void>;
}

type Rows = Map<PgTable, Record<string, unknown>[]>;

/**
 * Draws people numbered firstSerial onwards: their rows per table and their custody image bytes. Pure: the same
 * arguments give the same rows, which is what makes the population deterministic.
 */
export function drawPopulation(options: {
  seed: number;
  asOf: Date;
  firstSerial: number;
  people: number;
  organisationIds: Map<string, string>;
}): { rows: Rows; images: Buffer[] } {
  const faker = fakerEN_GB;
  faker.seed(options.seed * 1_000_003 + options.firstSerial);
  previousPerson.delete(faker);
  const rows: Rows = new Map();
  const add = (table: PgTable, row: Record<string, unknown>) => {
    const list = rows.get(table) ?? [];
    list.push(row);
    rows.set(table, list);
  };
  const images: Buffer[] = [];
  for (let i = 0; i < options.people; i++)
    drawPerson(faker, options.firstSerial + i, options.asOf, options.organisationIds, add, images);
  return { rows, images };
}

/**
 * Writes a deterministic synthetic population straight into the records tables, in bulk. It writes the same
 * rows (with their provenance and source keys) that ingest would, so the demo data behaves like pushed data.
 */
export async function seedSyntheticPopulation(
  db: Database,
  images: CustodyImageStore,
  organisationIds: Map<string, string>,
  options: PopulationOptions,
): Promise<{ people: number; custodyImages: number; rows: number }> {
  const seed = options.seed ?? 2026;
  const asOf = options.asOf ?? new Date('2026-06-30T00:00:00Z');
  const firstSerial = options.firstSerial ?? 1;
  const chunk = options.peoplePerTransaction ?? 500;
  let imageCount = 0;
  let rowCount = 0;
  for (let start = 0; start < options.people; start += chunk) {
    const count = Math.min(chunk, options.people - start);
    const drawn = drawPopulation({ seed, asOf, firstSerial: firstSerial + start, people: count, organisationIds });
    const personIds = (drawn.rows.get(t.people) ?? []).map((p) => p.personId as string);
    const kept = await db.transaction(async (tx) => {
      for (const [table, list] of drawn.rows) await bulkInsert(tx, table, list);
      const due = (await options.dueForDestruction?.(tx as Database, personIds)) ?? [];
      return due.length === 0 ? drawn.rows : withoutItemsDue(tx as Database, drawn.rows, new Set(due));
    });
    for (const list of kept.values()) rowCount += list.length;
    // Only the bytes of the custody images kept are stored.
    const keptImages = new Set((kept.get(t.custodyImages) ?? []).map((image) => image.contentSha256 as string));
    const bytesKept = drawn.images.filter((bytes) => keptImages.has(sha256Hex(bytes)));
    imageCount += bytesKept.length;
    await Promise.all(bytesKept.map((bytes) => images.put(bytes)));
    const peopleKept = new Set((kept.get(t.people) ?? []).map((p) => p.personId as string));
    await options.afterChunk?.(personIds.filter((id) => peopleKept.has(id)));
    options.onProgress?.(start + count);
  }
  // Fresh statistics, so the planner does not guess at tables it has never seen the size of.
  await db.execute(sql`analyze`);
  return { people: options.people, custodyImages: imageCount, rows: rowCount };
}

/** The person drawn last by each generator, so associations link people of the same chunk. */
const previousPerson = new WeakMap<Faker, string>();

function drawPerson(
  faker: Faker,
  serial: number,
  asOf: Date,
  organisationIds: Map<string, string>,
  add: (table: PgTable, row: Record<string, unknown>) => void,
  pendingImages: Buffer[],
): number {
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
  const personKey = `P${serial}`;
  const sex = faker.helpers.weightedArrayElement([
    { value: 'MALE', weight: 74 },
    { value: 'FEMALE', weight: 25 },
    { value: 'NOT_KNOWN', weight: 1 },
  ]);
  const fakerSex = sex === 'FEMALE' ? 'female' : 'male';
  const birth = faker.date.between({ from: '1945-01-01', to: new Date(asOf.getTime() - 12 * 365.25 * 86400_000) });
  const surname = faker.person.lastName();
  const forenames =
    faker.helpers.maybe(() => `${faker.person.firstName(fakerSex)} ${faker.person.middleName(fakerSex)}`, {
      probability: 0.3,
    }) ?? faker.person.firstName(fakerSex);
  add(t.people, {
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
    ...provenance(personKey),
  });
  sourceKey(personKey, 'person', personId, personId);
  const name = (nameType: string, fn: string, sn: string) =>
    add(t.personNames, {
      id: faker.string.uuid(),
      personId,
      nameType,
      forenames: fn,
      surname: sn,
      surnameKey: nameKey(sn),
      forenameKey: nameKey(fn),
      ...provenance(personKey),
    });
  name('PRIMARY', forenames, surname);
  if (faker.datatype.boolean({ probability: 0.2 }))
    name('ALIAS', faker.person.firstName(fakerSex), faker.datatype.boolean() ? surname : faker.person.lastName());
  if (sex === 'FEMALE' && faker.datatype.boolean({ probability: 0.15 }))
    name('MAIDEN', forenames, faker.person.lastName());
  const estimated = faker.datatype.boolean({ probability: 0.04 });
  add(t.personDatesOfBirth, {
    id: faker.string.uuid(),
    personId,
    dateOfBirth: isoDate(birth),
    estimated,
    ...provenance(personKey),
  });
  if (faker.datatype.boolean({ probability: 0.05 })) {
    const other = new Date(birth.getTime() + faker.number.int({ min: -800, max: 800 }) * 86400_000);
    add(t.personDatesOfBirth, {
      id: faker.string.uuid(),
      personId,
      dateOfBirth: isoDate(other),
      estimated: false,
      ...provenance(personKey),
    });
  }
  const addressCount = faker.helpers.weightedArrayElement([
    { value: 1, weight: 70 },
    { value: 2, weight: 25 },
    { value: 0, weight: 5 },
  ]);
  for (let a = 0; a < addressCount; a++) {
    add(t.personAddresses, {
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
      ...provenance(personKey),
    });
  }

  const identifier = (identifierType: string, value: string) =>
    add(t.personIdentifiers, { id: faker.string.uuid(), personId, identifierType, value, ...provenance(personKey) });
  if (faker.datatype.boolean({ probability: 0.5 })) {
    identifier(
      'NI_NUMBER',
      `${niPrefixes[serial % niPrefixes.length]}${String(Math.floor(serial / niPrefixes.length) % 1_000_000).padStart(6, '0')}${'ABCD'[Math.floor(serial / (niPrefixes.length * 1_000_000)) % 4]}`,
    );
  }
  if (faker.datatype.boolean({ probability: 0.4 }))
    identifier('CRO_NUMBER', makeCroNumber((serial % 999_999) + 1, 50 + Math.floor(serial / 999_999)));

  if (faker.datatype.boolean({ probability: 0.15 })) {
    const marker = faker.helpers.arrayElement(markerCodes);
    const key = `M${serial}`;
    const id = faker.string.uuid();
    add(t.markers, {
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
      ...provenance(key),
    });
    sourceKey(key, 'marker', id, personId);
  }
  if (faker.datatype.boolean({ probability: 0.03 })) {
    const key = `MP${serial}`;
    const id = faker.string.uuid();
    const reportedAt = faker.date.between({ from: new Date(asOf.getTime() - 5 * 365 * 86400_000), to: asOf });
    const found = faker.datatype.boolean({ probability: 0.8 });
    add(t.missingPersonReports, {
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
      ...provenance(key),
    });
    sourceKey(key, 'missing-person-report', id, personId);
  }

  const arrestCount = faker.helpers.weightedArrayElement([
    { value: 0, weight: 15 },
    { value: 1, weight: 50 },
    { value: 2, weight: 20 },
    { value: 3, weight: 10 },
    { value: 4, weight: 5 },
  ]);
  const adulthood = new Date(birth.getTime() + 10 * 365.25 * 86400_000);
  const arrestDates = Array.from({ length: arrestCount }, () =>
    faker.date.between({ from: adulthood > new Date('2000-01-01') ? adulthood : new Date('2000-01-01'), to: asOf }),
  ).sort((a, b) => a.getTime() - b.getTime());
  let images = 0;
  arrestDates.forEach((occurredAt, index) => {
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
    add(t.arrests, {
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
      ...provenance(key),
    });
    sourceKey(key, 'arrest', arrestId, personId);
    const outcome = pick(faker, outcomeMix);
    const charged = ['CONVICTED', 'ACQUITTED', 'WITHDRAWN', 'DISCONTINUED', 'DISMISSED', 'PENDING'].includes(outcome);
    const offenceId = faker.string.uuid();
    let chargeId: string | null = null;
    const decidedOn = new Date(occurredAt.getTime() + faker.number.int({ min: 1, max: 300 }) * 86400_000);
    if (charged) {
      chargeId = faker.string.uuid();
      add(t.charges, {
        id: chargeId,
        personId,
        arrestId,
        chargedOn: isoDate(new Date(occurredAt.getTime() + 86400_000)),
        ...provenance(`C${serial}-${index + 1}`),
      });
      sourceKey(`C${serial}-${index + 1}`, 'charge', chargeId, personId);
    }
    add(t.offences, {
      id: offenceId,
      personId,
      arrestId,
      chargeId,
      offenceCode: offence.code,
      title: offence.title,
      committedOn: isoDate(occurredAt),
      recordable: offence.recordable,
      qualifying: offence.qualifying,
      ...provenance(`O${serial}-${index + 1}`),
    });
    sourceKey(`O${serial}-${index + 1}`, 'offence', offenceId, personId);
    let courtCaseId: string | null = null;
    if (charged && outcome !== 'WITHDRAWN' && outcome !== 'DISCONTINUED') {
      courtCaseId = faker.string.uuid();
      add(t.courtCases, {
        id: courtCaseId,
        personId,
        arrestId,
        courtName: faker.helpers.arrayElement(courts),
        firstHearingOn: isoDate(new Date(occurredAt.getTime() + 21 * 86400_000)),
        plea: outcome === 'CONVICTED' ? faker.helpers.arrayElement(['GUILTY', 'NOT_GUILTY']) : 'NOT_GUILTY',
        ...provenance(`K${serial}-${index + 1}`),
      });
      sourceKey(`K${serial}-${index + 1}`, 'court-case', courtCaseId, personId);
    }
    if (outcome !== 'PENDING' && decidedOn < asOf) {
      const custodial = outcome === 'CONVICTED' && faker.datatype.boolean({ probability: 0.25 });
      const months = custodial ? faker.number.int({ min: 2, max: 72 }) : null;
      const id = faker.string.uuid();
      add(t.disposals, {
        id,
        personId,
        arrestId,
        offenceId,
        courtCaseId,
        outcome,
        disposedOn: isoDate(decidedOn),
        recordable: offence.recordable,
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
        ...provenance(`D${serial}-${index + 1}`),
      });
      sourceKey(`D${serial}-${index + 1}`, 'disposal', id, personId);
    }
    if (faker.datatype.boolean({ probability: 0.9 })) {
      const custodyRecordId = faker.string.uuid();
      add(t.custodyRecords, {
        id: custodyRecordId,
        personId,
        arrestId,
        custodyReference: `${force.code}/${occurredAt.getUTCFullYear()}/${String(serial * 10 + index).padStart(8, '0')}`,
        station,
        openedAt: occurredAt,
        releasedAt: new Date(occurredAt.getTime() + faker.number.int({ min: 3, max: 36 }) * 3600_000),
        ...provenance(`R${serial}-${index + 1}`),
      });
      sourceKey(`R${serial}-${index + 1}`, 'custody-record', custodyRecordId, personId);
      if (faker.datatype.boolean({ probability: 0.85 })) {
        const bytes = drawCustodyImage(faker, serial * 10 + index);
        pendingImages.push(bytes);
        const id = faker.string.uuid();
        const takenAt = new Date(occurredAt.getTime() + 3600_000);
        add(t.custodyImages, {
          id,
          personId,
          arrestId,
          custodyRecordId,
          takenAt,
          subjectAgeAtCapture: Math.floor((takenAt.getTime() - birth.getTime()) / (365.25 * 86400_000)),
          mediaType: 'image/png',
          byteSize: bytes.length,
          contentSha256: sha256Hex(bytes),
          ...provenance(`I${serial}-${index + 1}`),
        });
        sourceKey(`I${serial}-${index + 1}`, 'custody-image', id, personId);
        images += 1;
      }
    }
    if (fingerprintStatus !== 'NOT_TAKEN') {
      const isConfirmed = fingerprintStatus === 'CONFIRMED';
      const id = faker.string.uuid();
      add(t.biometricReferences, {
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
        ...provenance(`F${serial}-${index + 1}`),
      });
      sourceKey(`F${serial}-${index + 1}`, 'biometric-reference', id, personId);
    }
    if (faker.datatype.boolean({ probability: 0.4 })) {
      const id = faker.string.uuid();
      add(t.biometricReferences, {
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
        ...provenance(`N${serial}-${index + 1}`),
      });
      sourceKey(`N${serial}-${index + 1}`, 'biometric-reference', id, personId);
    }
  });
  if (arrestDates[0]) identifier('PNC_ID', makePncId(arrestDates[0].getUTCFullYear(), serial));
  // Some people are linked to the person drawn just before them in the same chunk (family or associates).
  const previous = previousPerson.get(faker);
  if (previous && faker.datatype.boolean({ probability: 0.1 })) {
    const key = `L${serial}`;
    const id = faker.string.uuid();
    add(t.personAssociations, {
      id,
      personId,
      associatePersonId: previous,
      relationship: faker.helpers.arrayElement(['FAMILY', 'ASSOCIATE', 'CO_ACCUSED']),
      ...provenance(key),
    });
    sourceKey(key, 'association', id, personId);
  }
  previousPerson.set(faker, personId);
  return images;
}

/** Whether any person is stored yet; demo start seeds only an empty database. */
export async function populationExists(db: Database): Promise<boolean> {
  const rows = await db.select({ personId: t.people.personId }).from(t.people).limit(1);
  return rows.length > 0;
}
