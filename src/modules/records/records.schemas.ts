import { type Static, type TSchema, Type } from 'typebox';
import { identifierTypes } from './identifiers.ts';
import {
  addressTypes,
  biometricStatuses,
  biometricTypes,
  custodyImageMediaTypes,
  disposalOutcomes,
  fingerprintStatuses,
  jurisdictions,
  legalRegimes,
  markerTypes,
  materialClasses,
  nameTypes,
  relationships,
  sexes,
} from './records.types.ts';

const oneOf = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));
const text = (maxLength = 200) => Type.String({ minLength: 1, maxLength });
const isoDate = () => Type.String({ format: 'date' });
const isoDateTime = () => Type.String({ format: 'date-time' });
const strict = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });

// ---- The inbound contract: what a force system pushes, one record per NDJSON line (docs/ingest.md). ----

const common = {
  sourceRecordId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$' }),
  materialClass: Type.Optional(oneOf(materialClasses)),
  legalRegime: Type.Optional(oneOf(legalRegimes)),
  /**
   * The purposes the record was gathered for (codes of config/purposes.json). Without it a record is taken to be
   * gathered for what its dataset was, and a person record for what the records naming the person were.
   */
  gatheredFor: Type.Optional(
    Type.Array(Type.String({ pattern: '^[A-Z][A-Z_]*$', maxLength: 40 }), {
      minItems: 1,
      maxItems: 20,
      uniqueItems: true,
    }),
  ),
};

/** Names the person a record belongs to: by the source system's own id, or by PNC ID. */
const personRef = Type.Union([strict({ sourceRecordId: text(100) }), strict({ pncId: text(20) })]);
/** Names the arrest a record belongs to: by the source system's own id, or by arrest/summons number. */
const arrestRef = Type.Union([strict({ sourceRecordId: text(100) }), strict({ asn: text(30) })]);

export const PersonRecordIn = strict({
  kind: Type.Literal('person'),
  ...common,
  names: Type.Array(strict({ nameType: oneOf(nameTypes), forenames: text(), surname: text() }), {
    minItems: 1,
    maxItems: 50,
  }),
  datesOfBirth: Type.Array(strict({ date: isoDate(), estimated: Type.Optional(Type.Boolean()) }), { maxItems: 20 }),
  sex: oneOf(sexes),
  nationality: Type.Optional(text(100)),
  placeOfBirth: Type.Optional(text()),
  /** Hides the person from all but users with the PROTECTED_IDENTITY role. */
  protectedIdentity: Type.Optional(Type.Boolean()),
  description: Type.Optional(
    strict({
      heightCm: Type.Optional(Type.Integer({ minimum: 30, maximum: 260 })),
      build: Type.Optional(text(50)),
      eyeColour: Type.Optional(text(50)),
      hairColour: Type.Optional(text(50)),
      distinguishingMarks: Type.Optional(text(1000)),
    }),
  ),
  addresses: Type.Optional(
    Type.Array(
      strict({
        addressType: oneOf(addressTypes),
        lines: Type.Array(text(), { maxItems: 6 }),
        town: Type.Optional(text(100)),
        postcode: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,2}[0-9][0-9A-Za-z]? ?[0-9][A-Za-z]{2}$' })),
        validFrom: Type.Optional(isoDate()),
        validTo: Type.Optional(isoDate()),
      }),
      { maxItems: 50 },
    ),
  ),
  identifiers: Type.Optional(Type.Array(strict({ type: oneOf(identifierTypes), value: text(40) }), { maxItems: 50 })),
});

export const ArrestRecordIn = strict({
  kind: Type.Literal('arrest'),
  ...common,
  person: personRef,
  asn: text(30),
  eventType: oneOf(['ARREST', 'SUMMONS'] as const),
  occurredAt: isoDateTime(),
  location: Type.Optional(text()),
  officerInCase: Type.Optional(text(100)),
  fingerprintStatus: oneOf(fingerprintStatuses),
  offenceSummary: text(500),
  /** The earlier arrest whose investigation led to this one (PACE s63P: material is kept as if taken for this). */
  arisingFrom: Type.Optional(arrestRef),
});

export const ChargeRecordIn = strict({
  kind: Type.Literal('charge'),
  ...common,
  arrest: arrestRef,
  chargedOn: isoDate(),
  offences: Type.Array(
    strict({
      sourceRecordId: common.sourceRecordId,
      offenceCode: text(20),
      title: text(),
      committedOn: Type.Optional(isoDate()),
      recordable: Type.Boolean(),
      qualifying: Type.Boolean(),
    }),
    { minItems: 1, maxItems: 100 },
  ),
});

export const CourtCaseRecordIn = strict({
  kind: Type.Literal('court-case'),
  ...common,
  arrest: arrestRef,
  courtName: text(),
  firstHearingOn: isoDate(),
  plea: Type.Optional(oneOf(['GUILTY', 'NOT_GUILTY', 'NO_PLEA'] as const)),
});

export const DisposalRecordIn = strict({
  kind: Type.Literal('disposal'),
  ...common,
  arrest: arrestRef,
  /** The source system's id of the offence this disposal decides, where it is for one offence. */
  offenceSourceRecordId: Type.Optional(text(100)),
  courtCaseSourceRecordId: Type.Optional(text(100)),
  outcome: oneOf(disposalOutcomes),
  disposedOn: isoDate(),
  recordable: Type.Boolean(),
  sentence: Type.Optional(text(500)),
  custodialMonths: Type.Optional(Type.Integer({ minimum: 0, maximum: 1200 })),
  /** Where the person was convicted; outside England and Wales brings PACE s63J (default ENGLAND_AND_WALES). */
  jurisdiction: Type.Optional(oneOf(jurisdictions)),
});

export const CustodyRecordIn = strict({
  kind: Type.Literal('custody-record'),
  ...common,
  arrest: arrestRef,
  custodyReference: text(50),
  station: text(),
  openedAt: isoDateTime(),
  releasedAt: Type.Optional(isoDateTime()),
});

export const CustodyImageRecordIn = strict({
  kind: Type.Literal('custody-image'),
  ...common,
  custodyRecordSourceRecordId: text(100),
  takenAt: isoDateTime(),
  mediaType: oneOf(custodyImageMediaTypes),
  /** The image bytes, base64; LEDS stores them in its blob store under their SHA-256. */
  contentBase64: Type.String({ minLength: 4, pattern: '^[A-Za-z0-9+/]+={0,2}$' }),
});

export const BiometricReferenceRecordIn = strict({
  kind: Type.Literal('biometric-reference'),
  ...common,
  person: personRef,
  arrest: Type.Optional(arrestRef),
  biometricType: oneOf(biometricTypes),
  holdingSystem: oneOf(['IDENT1', 'NDNAD'] as const),
  reference: text(50),
  status: oneOf(biometricStatuses),
  takenAt: isoDateTime(),
  identityConfirmed: Type.Optional(Type.Boolean()),
  confirmedAt: Type.Optional(isoDateTime()),
  /** ARREST (default) or VOLUNTARY (given for elimination: PACE s63N). */
  takenUnder: Type.Optional(oneOf(['ARREST', 'VOLUNTARY'] as const)),
  /** For voluntary material: when the purpose it was given for was fulfilled. */
  purposeFulfilledOn: Type.Optional(isoDate()),
  /** For a DNA sample: when the profile was derived from it (PACE s63R). */
  profileDerivedAt: Type.Optional(isoDateTime()),
});

export const MarkerRecordIn = strict({
  kind: Type.Literal('marker'),
  ...common,
  person: personRef,
  markerType: oneOf(markerTypes),
  code: Type.String({ pattern: '^[A-Z0-9]{1,10}$' }),
  description: text(500),
  reviewDue: isoDate(),
});

export const AssociationRecordIn = strict({
  kind: Type.Literal('association'),
  ...common,
  person: personRef,
  associate: personRef,
  relationship: oneOf(relationships),
});

export const MissingPersonReportRecordIn = strict({
  kind: Type.Literal('missing-person-report'),
  ...common,
  person: personRef,
  reportedAt: isoDateTime(),
  lastSeenAt: Type.Optional(isoDateTime()),
  lastSeenLocation: Type.Optional(text()),
  riskLevel: oneOf(['LOW', 'MEDIUM', 'HIGH'] as const),
  circumstances: text(2000),
  status: oneOf(['MISSING', 'FOUND', 'CLOSED'] as const),
  foundAt: Type.Optional(isoDateTime()),
});

export const UnidentifiedRemainsRecordIn = strict({
  kind: Type.Literal('unidentified-remains'),
  ...common,
  foundOn: isoDate(),
  foundLocation: text(),
  sex: oneOf(sexes),
  estimatedAgeMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 130 })),
  estimatedAgeMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 130 })),
  description: text(2000),
});

/** Each kind's schema; a line is validated against the schema its `kind` names, so errors name real fields. */
export const recordSchemas = {
  person: PersonRecordIn,
  arrest: ArrestRecordIn,
  charge: ChargeRecordIn,
  'court-case': CourtCaseRecordIn,
  disposal: DisposalRecordIn,
  'custody-record': CustodyRecordIn,
  'custody-image': CustodyImageRecordIn,
  'biometric-reference': BiometricReferenceRecordIn,
  marker: MarkerRecordIn,
  association: AssociationRecordIn,
  'missing-person-report': MissingPersonReportRecordIn,
  'unidentified-remains': UnidentifiedRemainsRecordIn,
} as const;

/** Any one inbound record. */
export type InboundRecord = {
  [K in keyof typeof recordSchemas]: Static<(typeof recordSchemas)[K]>;
}[keyof typeof recordSchemas];
export type PersonRecordIn = Static<typeof PersonRecordIn>;
export type ArrestRecordIn = Static<typeof ArrestRecordIn>;
export type ChargeRecordIn = Static<typeof ChargeRecordIn>;
export type CourtCaseRecordIn = Static<typeof CourtCaseRecordIn>;
export type DisposalRecordIn = Static<typeof DisposalRecordIn>;
export type CustodyRecordIn = Static<typeof CustodyRecordIn>;
export type CustodyImageRecordIn = Static<typeof CustodyImageRecordIn>;
export type BiometricReferenceRecordIn = Static<typeof BiometricReferenceRecordIn>;
export type MarkerRecordIn = Static<typeof MarkerRecordIn>;
export type MissingPersonReportRecordIn = Static<typeof MissingPersonReportRecordIn>;
export type AssociationRecordIn = Static<typeof AssociationRecordIn>;
export type UnidentifiedRemainsRecordIn = Static<typeof UnidentifiedRemainsRecordIn>;

// ---- What LEDS returns: the person record. The response schema is the second allow-list (STYLE habit 5). ----

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Provenance = strict({
  owningOrganisation: Type.String(),
  sourceSystem: Type.String(),
  sourceRecordId: Type.String(),
  materialClass: Type.String(),
  legalRegime: Type.String(),
  /** The purposes the pushing system said the record was gathered for; null: as its dataset was. */
  gatheredFor: nullable(Type.Array(Type.String())),
});
const item = <T extends Record<string, TSchema>>(properties: T) => strict({ ...properties, provenance: Provenance });

export const CustodyImageView = item({
  imageId: Type.String(),
  arrestId: Type.String(),
  custodyRecordId: Type.String(),
  takenAt: Type.String(),
  subjectAgeAtCapture: nullable(Type.Integer()),
  mediaType: Type.String(),
  byteSize: Type.Integer(),
  contentSha256: Type.String(),
});

export const BiometricReferenceView = item({
  biometricReferenceId: Type.String(),
  arrestId: nullable(Type.String()),
  biometricType: Type.String(),
  holdingSystem: Type.String(),
  reference: Type.String(),
  status: Type.String(),
  takenAt: Type.String(),
  identityConfirmed: Type.Boolean(),
  confirmedAt: nullable(Type.String()),
});

/** A section of the record that the protected view may withhold: null, with the reason in `view.withheld`. */
const Withholdable = <T extends TSchema>(schema: T) => Type.Union([Type.Array(schema), Type.Null()]);

export const EventView = item({
  arrestId: Type.String(),
  asn: Type.String(),
  eventType: Type.String(),
  occurredAt: Type.String(),
  location: nullable(Type.String()),
  officerInCase: nullable(Type.String()),
  fingerprintStatus: nullable(Type.String()),
  offenceSummary: Type.String(),
  charges: Withholdable(item({ chargeId: Type.String(), chargedOn: Type.String() })),
  offences: Withholdable(
    item({
      offenceId: Type.String(),
      chargeId: nullable(Type.String()),
      offenceCode: Type.String(),
      title: Type.String(),
      committedOn: nullable(Type.String()),
      recordable: Type.Boolean(),
      qualifying: Type.Boolean(),
    }),
  ),
  courtCases: Withholdable(
    item({
      courtCaseId: Type.String(),
      courtName: Type.String(),
      firstHearingOn: Type.String(),
      plea: nullable(Type.String()),
    }),
  ),
  disposals: Withholdable(
    item({
      disposalId: Type.String(),
      offenceId: nullable(Type.String()),
      courtCaseId: nullable(Type.String()),
      outcome: Type.String(),
      disposedOn: Type.String(),
      recordable: Type.Boolean(),
      sentence: nullable(Type.String()),
      custodialMonths: nullable(Type.Integer()),
    }),
  ),
  custodyRecords: Withholdable(
    item({
      custodyRecordId: Type.String(),
      custodyReference: Type.String(),
      station: Type.String(),
      openedAt: Type.String(),
      releasedAt: nullable(Type.String()),
    }),
  ),
});

export const WithheldSection = strict({
  section: Type.String(),
  /** The dataset withheld; absent where the items held back belong to several (purpose-limited items). */
  dataset: Type.Optional(Type.String()),
  reason: Type.String(),
  /** How many items were held back, where only some of a section was withheld (for example intelligence). */
  count: Type.Optional(Type.Integer()),
});
export type WithheldSection = Static<typeof WithheldSection>;

export const PersonRecordView = strict({
  personId: Type.String(),
  protectedIdentity: Type.Boolean(),
  /** What the protected view did: the purpose it was decided for, and each withheld section with its reason. */
  view: strict({ purpose: Type.String(), withheld: Type.Array(WithheldSection) }),
  /** Null, like nationality and description, when the record that supplied them may not be used for the purpose. */
  sex: nullable(Type.String()),
  nationality: nullable(Type.String()),
  placeOfBirth: nullable(Type.String()),
  description: strict({
    heightCm: nullable(Type.Integer()),
    build: nullable(Type.String()),
    eyeColour: nullable(Type.String()),
    hairColour: nullable(Type.String()),
    distinguishingMarks: nullable(Type.String()),
  }),
  provenance: Provenance,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  names: Type.Array(item({ nameType: Type.String(), forenames: Type.String(), surname: Type.String() })),
  datesOfBirth: Type.Array(item({ date: Type.String(), estimated: Type.Boolean() })),
  addresses: Type.Array(
    item({
      addressType: Type.String(),
      lines: Type.Array(Type.String()),
      town: nullable(Type.String()),
      postcode: nullable(Type.String()),
      validFrom: nullable(Type.String()),
      validTo: nullable(Type.String()),
    }),
  ),
  identifiers: Type.Array(item({ type: Type.String(), value: Type.String() })),
  markers: Withholdable(
    item({
      markerId: Type.String(),
      markerType: Type.String(),
      code: Type.String(),
      description: Type.String(),
      reviewDue: Type.String(),
    }),
  ),
  events: Withholdable(EventView),
  custodyImages: Withholdable(CustodyImageView),
  biometricReferences: Withholdable(BiometricReferenceView),
  associates: Withholdable(
    item({
      associationId: Type.String(),
      associatePersonId: Type.String(),
      relationship: Type.String(),
      forenames: Type.String(),
      surname: Type.String(),
    }),
  ),
  missingPersonReports: Withholdable(
    item({
      reportId: Type.String(),
      reportedAt: Type.String(),
      lastSeenAt: nullable(Type.String()),
      lastSeenLocation: nullable(Type.String()),
      riskLevel: Type.String(),
      circumstances: Type.String(),
      status: Type.String(),
      foundAt: nullable(Type.String()),
    }),
  ),
});
export type PersonRecordView = Static<typeof PersonRecordView>;

export const PersonSummary = strict({
  personId: Type.String(),
  forenames: Type.String(),
  surname: Type.String(),
  /** The name that matched the search, where it was an alias. */
  matchedAlias: nullable(Type.String()),
  dateOfBirth: nullable(Type.String()),
  sex: nullable(Type.String()),
  pncId: nullable(Type.String()),
  protectedIdentity: Type.Boolean(),
  materialClass: Type.String(),
});
export type PersonSummary = Static<typeof PersonSummary>;

export const PersonSearchQuery = strict({
  pncId: Type.Optional(Type.String({ maxLength: 20 })),
  croNumber: Type.Optional(Type.String({ maxLength: 20 })),
  surname: Type.Optional(Type.String({ maxLength: 100 })),
  forename: Type.Optional(Type.String({ maxLength: 100 })),
  dateOfBirth: Type.Optional(Type.String({ format: 'date' })),
});
export type PersonSearchQuery = Static<typeof PersonSearchQuery>;
