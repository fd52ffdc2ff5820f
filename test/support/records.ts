import { PNG } from 'pngjs';
import { makeAsn, makeCroNumber, makePncId } from '../../src/modules/records/identifiers.ts';

/** A tiny real PNG, distinct per seed. */
export function pngBytes(seed: number): Buffer {
  const png = new PNG({ width: 2, height: 2 });
  png.data.fill(seed % 256);
  png.data[3] = 255;
  return PNG.sync.write(png);
}

/**
 * A synthetic person with a full event chain, as NDJSON-ready records from one source system.
 * Every name and number is made up.
 */
export function personChain(n: number, options: { outcome?: string; surname?: string } = {}) {
  const pncId = makePncId(2019, 9_000_000 + n);
  const asn = makeAsn(2024, '01', 'ZD', '01', 50_000 + n);
  const p = `T${n}`;
  return {
    pncId,
    asn,
    croNumber: makeCroNumber(500_000 + n, 2019),
    records: [
      {
        kind: 'person',
        sourceRecordId: `${p}-P`,
        names: [
          { nameType: 'PRIMARY', forenames: 'Testina', surname: options.surname ?? `Examplar${n}` },
          { nameType: 'ALIAS', forenames: 'Tess', surname: 'Placeholder' },
        ],
        datesOfBirth: [{ date: `1990-04-0${(n % 9) + 1}` }],
        sex: 'FEMALE',
        nationality: 'British',
        description: { heightCm: 170, build: 'Slim', eyeColour: 'Green', hairColour: 'Brown' },
        addresses: [{ addressType: 'HOME', lines: ['1 Sample Street'], town: 'Exampleton', postcode: 'EX1 1AA' }],
        identifiers: [
          { type: 'PNC_ID', value: pncId },
          { type: 'CRO_NUMBER', value: makeCroNumber(500_000 + n, 2019) },
        ],
      },
      {
        kind: 'arrest',
        sourceRecordId: `${p}-A`,
        person: { sourceRecordId: `${p}-P` },
        asn,
        eventType: 'ARREST',
        occurredAt: '2024-03-01T10:00:00Z',
        location: 'High Street, Exampleton',
        fingerprintStatus: 'CONFIRMED',
        offenceSummary: 'Theft from a shop',
      },
      {
        kind: 'charge',
        sourceRecordId: `${p}-C`,
        arrest: { sourceRecordId: `${p}-A` },
        chargedOn: '2024-03-02',
        offences: [
          {
            sourceRecordId: `${p}-O`,
            offenceCode: 'TH68001',
            title: 'Theft from a shop',
            recordable: true,
            qualifying: false,
          },
        ],
      },
      {
        kind: 'court-case',
        sourceRecordId: `${p}-K`,
        arrest: { asn },
        courtName: 'Exampleton Magistrates Court',
        firstHearingOn: '2024-04-01',
        plea: 'NOT_GUILTY',
      },
      {
        kind: 'disposal',
        sourceRecordId: `${p}-D`,
        arrest: { sourceRecordId: `${p}-A` },
        offenceSourceRecordId: `${p}-O`,
        courtCaseSourceRecordId: `${p}-K`,
        outcome: options.outcome ?? 'CONVICTED',
        disposedOn: '2024-05-01',
        recordable: true,
      },
      {
        kind: 'custody-record',
        sourceRecordId: `${p}-R`,
        arrest: { sourceRecordId: `${p}-A` },
        custodyReference: `EX/2024/${n}`,
        station: 'Exampleton',
        openedAt: '2024-03-01T10:30:00Z',
      },
      {
        kind: 'custody-image',
        sourceRecordId: `${p}-I`,
        custodyRecordSourceRecordId: `${p}-R`,
        takenAt: '2024-03-01T11:00:00Z',
        mediaType: 'image/png',
        contentBase64: pngBytes(n).toString('base64'),
      },
      {
        kind: 'biometric-reference',
        sourceRecordId: `${p}-F`,
        person: { pncId },
        arrest: { sourceRecordId: `${p}-A` },
        biometricType: 'FINGERPRINTS',
        holdingSystem: 'IDENT1',
        reference: `ID1-T-${n}`,
        status: 'MATCHED',
        takenAt: '2024-03-01T11:00:00Z',
        identityConfirmed: true,
        confirmedAt: '2024-03-02T09:00:00Z',
      },
      {
        kind: 'marker',
        sourceRecordId: `${p}-M`,
        person: { sourceRecordId: `${p}-P` },
        markerType: 'WARNING_SIGNAL',
        code: 'VI',
        description: 'Violent',
        reviewDue: '2027-01-01',
      },
      {
        kind: 'missing-person-report',
        sourceRecordId: `${p}-MP`,
        person: { sourceRecordId: `${p}-P` },
        reportedAt: '2023-01-01T09:00:00Z',
        riskLevel: 'MEDIUM',
        circumstances: 'Did not return home',
        status: 'FOUND',
        foundAt: '2023-01-02T09:00:00Z',
      },
    ] as Record<string, unknown>[],
  };
}

export const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r));
