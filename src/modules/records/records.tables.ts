import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from '../access/access.tables.ts';

// INVARIANT: every person-scoped table carries person_id, so that under Citus each is distributed by it and a
// person's whole record sits on one node. Every row carries its provenance (brief 2.1, 2.4).

/** Who supplied a row and under which law it is held. */
const provenance = () => ({
  /** The controller: the force or agency that owns the row (brief 2.1). */
  owningOrganisationId: uuid('owning_organisation_id')
    .notNull()
    .references(() => organisations.id),
  sourceSystem: text('source_system').notNull(),
  sourceRecordId: text('source_record_id').notNull(),
  ingestBatchId: uuid('ingest_batch_id'),
  /** EVIDENTIAL | INTELLIGENCE (brief 2.4) */
  materialClass: text('material_class').notNull(),
  /** DPA2018_PART3 | UK_GDPR (brief 2.1) */
  legalRegime: text('legal_regime').notNull(),
  /**
   * The purposes the record this row came from was gathered for, as the pushing system declared them; null when
   * it declared none, which means "as its dataset was gathered for" (config/datasets.json), and for identity rows
   * "as the records that name this person were gathered for" (docs/access.md, identity provenance).
   */
  gatheredFor: text('gathered_for').array(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A nominal: one real person as LEDS knows them (docs/person-entity.md). */
export const people = pgTable('people', {
  personId: uuid('person_id').primaryKey(),
  /** MALE | FEMALE | NOT_KNOWN | NOT_SPECIFIED */
  sex: text('sex').notNull(),
  nationality: text('nationality'),
  placeOfBirth: text('place_of_birth'),
  heightCm: integer('height_cm'),
  build: text('build'),
  eyeColour: text('eye_colour'),
  hairColour: text('hair_colour'),
  distinguishingMarks: text('distinguishing_marks'),
  /** A protected identity (for example a protected witness): hidden from all but the PROTECTED_IDENTITY role. */
  protectedIdentity: boolean('protected_identity').notNull().default(false),
  ...provenance(),
});

export const personNames = pgTable(
  'person_names',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    /** PRIMARY | ALIAS | MAIDEN | NICKNAME */
    nameType: text('name_type').notNull(),
    forenames: text('forenames').notNull(),
    surname: text('surname').notNull(),
    /** Search keys: upper case, letters only (see nameKey). */
    surnameKey: text('surname_key').notNull(),
    forenameKey: text('forename_key').notNull(),
    ...provenance(),
  },
  (t) => [
    index('person_names_person_idx').on(t.personId),
    index('person_names_key_idx').on(t.surnameKey, t.forenameKey),
  ],
);

export const personDatesOfBirth = pgTable(
  'person_dates_of_birth',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }).notNull(),
    /** True where the date was estimated (for example from apparent age). */
    estimated: boolean('estimated').notNull().default(false),
    ...provenance(),
  },
  (t) => [index('person_dob_person_idx').on(t.personId), index('person_dob_date_idx').on(t.dateOfBirth)],
);

export const personAddresses = pgTable(
  'person_addresses',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    /** HOME | LAST_KNOWN | NO_FIXED_ABODE | OTHER */
    addressType: text('address_type').notNull(),
    lines: text('lines').array().notNull(),
    town: text('town'),
    postcode: text('postcode'),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    ...provenance(),
  },
  (t) => [index('person_addresses_person_idx').on(t.personId)],
);

/**
 * Identifiers in canonical form (brief 2.3). This is also the identifier search key. An identifier is not unique
 * across people: a record carrying the identifier of a person its pusher may not see makes a nominal of its own
 * (a possible duplicate, for the owning force), because refusing or merging it would tell the pusher about that
 * person. Unique per person, so that one person holds an identifier once.
 */
export const personIdentifiers = pgTable(
  'person_identifiers',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    /** PNC_ID | CRO_NUMBER | NI_NUMBER | PASSPORT | DRIVER_NUMBER | PRISON_NUMBER */
    identifierType: text('identifier_type').notNull(),
    value: text('value').notNull(),
    ...provenance(),
  },
  (t) => [
    index('person_identifiers_value_idx').on(t.identifierType, t.value),
    uniqueIndex('person_identifiers_person_value_idx').on(t.personId, t.identifierType, t.value),
  ],
);

/** Warning signals and information markers; each is a risk statement and so carries a review date (brief 2.7). */
export const markers = pgTable(
  'markers',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    /** WARNING_SIGNAL | INFORMATION_MARKER */
    markerType: text('marker_type').notNull(),
    code: text('code').notNull(),
    description: text('description').notNull(),
    reviewDue: date('review_due', { mode: 'string' }).notNull(),
    ...provenance(),
  },
  (t) => [index('markers_person_idx').on(t.personId)],
);

/** An arrest or summons report, the head of an event chain (brief 2.4). */
export const arrests = pgTable(
  'arrests',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    /** Arrest/summons number, canonical (no slashes). */
    asn: text('asn').notNull(),
    /** ARREST | SUMMONS */
    eventType: text('event_type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    location: text('location'),
    officerInCase: text('officer_in_case'),
    /** NOT_TAKEN | TAKEN | SUBMITTED | CONFIRMED */
    fingerprintStatus: text('fingerprint_status').notNull(),
    offenceSummary: text('offence_summary').notNull(),
    /** The earlier arrest whose investigation led to this one (PACE s63P). */
    arisingFromArrestId: uuid('arising_from_arrest_id'),
    ...provenance(),
  },
  (t) => [index('arrests_person_idx').on(t.personId), index('arrests_asn_idx').on(t.asn)],
);

export const charges = pgTable(
  'charges',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    arrestId: uuid('arrest_id').notNull(),
    chargedOn: date('charged_on', { mode: 'string' }).notNull(),
    ...provenance(),
  },
  (t) => [index('charges_person_idx').on(t.personId)],
);

export const offences = pgTable(
  'offences',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    arrestId: uuid('arrest_id').notNull(),
    chargeId: uuid('charge_id'),
    /** Home Office offence code or CJS code. */
    offenceCode: text('offence_code').notNull(),
    title: text('title').notNull(),
    committedOn: date('committed_on', { mode: 'string' }),
    /** Recordable on the PNC (PACE s27(4)). */
    recordable: boolean('recordable').notNull(),
    /** Qualifying offence under PACE s65A. */
    qualifying: boolean('qualifying').notNull(),
    ...provenance(),
  },
  (t) => [index('offences_person_idx').on(t.personId)],
);

export const courtCases = pgTable(
  'court_cases',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    arrestId: uuid('arrest_id').notNull(),
    courtName: text('court_name').notNull(),
    firstHearingOn: date('first_hearing_on', { mode: 'string' }).notNull(),
    /** GUILTY | NOT_GUILTY | NO_PLEA */
    plea: text('plea'),
    ...provenance(),
  },
  (t) => [index('court_cases_person_idx').on(t.personId)],
);

/** The outcome of an offence: court result or out-of-court disposal (brief 2.4). */
export const disposals = pgTable(
  'disposals',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    arrestId: uuid('arrest_id').notNull(),
    offenceId: uuid('offence_id'),
    courtCaseId: uuid('court_case_id'),
    /** See disposalOutcomes in records.types.ts */
    outcome: text('outcome').notNull(),
    disposedOn: date('disposed_on', { mode: 'string' }).notNull(),
    recordable: boolean('recordable').notNull(),
    sentence: text('sentence'),
    custodialMonths: integer('custodial_months'),
    /** ENGLAND_AND_WALES | SCOTLAND | NORTHERN_IRELAND | OVERSEAS */
    jurisdiction: text('jurisdiction').notNull().default('ENGLAND_AND_WALES'),
    ...provenance(),
  },
  (t) => [index('disposals_person_idx').on(t.personId)],
);

export const custodyRecords = pgTable(
  'custody_records',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    arrestId: uuid('arrest_id').notNull(),
    custodyReference: text('custody_reference').notNull(),
    station: text('station').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    ...provenance(),
  },
  (t) => [index('custody_records_person_idx').on(t.personId)],
);

/** Metadata of a custody image; the bytes live in the blob store under their SHA-256 (brief 2.5). */
export const custodyImages = pgTable(
  'custody_images',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    arrestId: uuid('arrest_id').notNull(),
    custodyRecordId: uuid('custody_record_id').notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
    subjectAgeAtCapture: integer('subject_age_at_capture'),
    mediaType: text('media_type').notNull(),
    byteSize: integer('byte_size').notNull(),
    contentSha256: text('content_sha256').notNull(),
    ...provenance(),
  },
  (t) => [index('custody_images_person_idx').on(t.personId), index('custody_images_hash_idx').on(t.contentSha256)],
);

/** References to fingerprints on IDENT1 and DNA on the NDNAD; LEDS never holds raw biometrics (brief 2.6). */
export const biometricReferences = pgTable(
  'biometric_references',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    arrestId: uuid('arrest_id'),
    /** FINGERPRINTS | DNA_PROFILE | DNA_SAMPLE */
    biometricType: text('biometric_type').notNull(),
    /** IDENT1 | NDNAD */
    holdingSystem: text('holding_system').notNull(),
    reference: text('reference').notNull(),
    /** TAKEN | LOADED | MATCHED | DESTROYED */
    status: text('status').notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
    /** Identity confirmed by a fingerprint match: shown as a badge on the person page (brief 2.6). */
    identityConfirmed: boolean('identity_confirmed').notNull().default(false),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    /** ARREST | VOLUNTARY */
    takenUnder: text('taken_under').notNull().default('ARREST'),
    purposeFulfilledOn: date('purpose_fulfilled_on', { mode: 'string' }),
    profileDerivedAt: timestamp('profile_derived_at', { withTimezone: true }),
    ...provenance(),
  },
  (t) => [index('biometric_references_person_idx').on(t.personId)],
);

export const missingPersonReports = pgTable(
  'missing_person_reports',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    lastSeenLocation: text('last_seen_location'),
    /** LOW | MEDIUM | HIGH */
    riskLevel: text('risk_level').notNull(),
    circumstances: text('circumstances').notNull(),
    /** MISSING | FOUND | CLOSED */
    status: text('status').notNull(),
    foundAt: timestamp('found_at', { withTimezone: true }),
    ...provenance(),
  },
  (t) => [index('missing_person_reports_person_idx').on(t.personId)],
);

/** A known link between two people: family, associate or co-accused. Reaching it needs its own grant. */
export const personAssociations = pgTable(
  'person_associations',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    associatePersonId: uuid('associate_person_id').notNull(),
    /** FAMILY | ASSOCIATE | CO_ACCUSED */
    relationship: text('relationship').notNull(),
    ...provenance(),
  },
  (t) => [index('person_associations_person_idx').on(t.personId)],
);

/**
 * Unidentified human remains. Not person-scoped until identified: distributed by its own id under Citus,
 * with identified_person_id set once a match is confirmed.
 */
export const unidentifiedRemains = pgTable('unidentified_remains', {
  id: uuid('id').primaryKey(),
  foundOn: date('found_on', { mode: 'string' }).notNull(),
  foundLocation: text('found_location').notNull(),
  sex: text('sex').notNull(),
  estimatedAgeMin: integer('estimated_age_min'),
  estimatedAgeMax: integer('estimated_age_max'),
  description: text('description').notNull(),
  identifiedPersonId: uuid('identified_person_id'),
  ...provenance(),
});

/**
 * Which organisation each source system belongs to: the first to push under a name claims it. Source record ids are
 * one namespace per source system, so without this another organisation could send records into a force's system
 * (reaching its people by their source record ids), learn which ids it holds, or take an id before it does.
 * A reference table: one row a system.
 */
export const sourceSystems = pgTable('source_systems', {
  sourceSystem: text('source_system').primaryKey(),
  owningOrganisationId: uuid('owning_organisation_id')
    .notNull()
    .references(() => organisations.id),
  claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The idempotency key of ingest: one row per (source system, source record id), naming the LEDS row it became
 * and a hash of what was last received, so a repeated record is recognised as unchanged.
 */
export const sourceRecords = pgTable(
  'source_records',
  {
    sourceSystem: text('source_system').notNull(),
    sourceRecordId: text('source_record_id').notNull(),
    recordKind: text('record_kind').notNull(),
    recordId: uuid('record_id').notNull(),
    personId: uuid('person_id'),
    owningOrganisationId: uuid('owning_organisation_id').notNull(),
    contentSha256: text('content_sha256').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sourceSystem, t.sourceRecordId] })],
);

/**
 * What is left of a deleted record (brief 4.3): which record it was, under which rule, who authorised it and when;
 * never its content. Also stops the source system sending the same record again.
 */
export const recordTombstones = pgTable(
  'record_tombstones',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    /** PERSON_RECORD | EVENT | CUSTODY_IMAGE | BIOMETRIC_REFERENCE | MARKER | DISPOSAL and the rows deleted with them */
    recordKind: text('record_kind').notNull(),
    recordId: uuid('record_id').notNull(),
    owningOrganisationId: uuid('owning_organisation_id').notNull(),
    sourceSystem: text('source_system').notNull(),
    sourceRecordId: text('source_record_id').notNull(),
    /** The retention rule (config/retention-rules.json) the deletion was made under. */
    ruleId: text('rule_id').notNull(),
    basis: text('basis').notNull(),
    authorisedBy: text('authorised_by').notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }).notNull(),
    /** The audit entry that holds the deleted content in the vault, for auditors. */
    auditSeq: integer('audit_seq'),
    /**
     * The person was a protected identity when the record went: their deletion stays as hidden as they were
     * (retention views, notices, desk counts), since nothing else is left to say so.
     */
    protectedIdentity: boolean('protected_identity').notNull().default(false),
  },
  (t) => [
    index('record_tombstones_person_idx').on(t.personId),
    index('record_tombstones_source_idx').on(t.sourceSystem, t.sourceRecordId),
    index('record_tombstones_deleted_idx').on(t.deletedAt),
  ],
);

/**
 * A pushed record LEDS accepted but could not link to a person the pusher may see: it names a PNC ID, arrest or
 * identifier of a person hidden from the pusher (a protected identity, an intelligence-only nominal), or of no
 * person at all. The pusher is answered as for any accepted record (docs/access.md, ingest replies); the record
 * waits here for the force that must review it: the owner of the person it names, or the pusher when it names
 * nobody. `person_id` is the person it names, when there is one.
 */
export const heldRecords = pgTable(
  'held_records',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id'),
    /** The force that decides: the named person's owner, or the pusher when the record names nobody. */
    reviewingOrganisationId: uuid('reviewing_organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** The pusher: the controller of the record once it is linked. */
    owningOrganisationId: uuid('owning_organisation_id')
      .notNull()
      .references(() => organisations.id),
    sourceSystem: text('source_system').notNull(),
    sourceRecordId: text('source_record_id').notNull(),
    recordKind: text('record_kind').notNull(),
    /** The record as pushed; emptied once it is linked, refused or withdrawn. */
    record: jsonb('record'),
    contentSha256: text('content_sha256').notNull(),
    ingestBatchId: uuid('ingest_batch_id'),
    /** PERSON_NOT_VISIBLE | NAMES_NO_PERSON | REFERENCE_HELD */
    reason: text('reason').notNull(),
    /** HELD | LINKED | REFUSED | WITHDRAWN */
    status: text('status').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: text('decided_by'),
    decisionReason: text('decision_reason'),
  },
  (t) => [
    uniqueIndex('held_records_source_idx').on(t.sourceSystem, t.sourceRecordId),
    index('held_records_person_idx').on(t.personId),
    index('held_records_reviewer_idx').on(t.reviewingOrganisationId, t.status),
  ],
);

/**
 * A pushed person record that carries an identifier of a person its pusher may not see: stored as a nominal of its
 * own (`person_id`), and noted here for the force that owns the other person (`other_person_id`) to reconcile. The
 * pusher is never told; merging the two is the owning force's decision.
 */
export const possibleDuplicates = pgTable(
  'possible_duplicates',
  {
    id: uuid('id').primaryKey(),
    /** The nominal the pushed record made. */
    personId: uuid('person_id').notNull(),
    /** The person, hidden from the pusher, who already held the identifier. */
    otherPersonId: uuid('other_person_id').notNull(),
    reviewingOrganisationId: uuid('reviewing_organisation_id')
      .notNull()
      .references(() => organisations.id),
    pushedByOrganisationId: uuid('pushed_by_organisation_id')
      .notNull()
      .references(() => organisations.id),
    sourceSystem: text('source_system').notNull(),
    sourceRecordId: text('source_record_id').notNull(),
    identifierType: text('identifier_type').notNull(),
    value: text('value').notNull(),
    foundAt: timestamp('found_at', { withTimezone: true }).notNull(),
    /** OPEN | REVIEWED */
    status: text('status').notNull(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewedBy: text('reviewed_by'),
    note: text('note'),
  },
  (t) => [
    uniqueIndex('possible_duplicates_pair_idx').on(t.personId, t.otherPersonId, t.identifierType, t.value),
    index('possible_duplicates_other_idx').on(t.otherPersonId),
    index('possible_duplicates_reviewer_idx').on(t.reviewingOrganisationId, t.status),
  ],
);
