import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// Retention owns its decisions and the instruments, reviews, notices and applications that drive them. Each table
// carries person_id (brief: Citus-ready), except that an application can arrive before LEDS knows who it is about.

/** The engine's current answer for each retained item: rule, next action, date and why (brief 5). */
export const retentionDecisions = pgTable(
  'retention_decisions',
  {
    itemId: uuid('item_id').primaryKey(),
    personId: uuid('person_id').notNull(),
    /** PERSON_RECORD | EVENT | CUSTODY_IMAGE | BIOMETRIC_REFERENCE | MARKER */
    itemKind: text('item_kind').notNull(),
    owningOrganisationId: uuid('owning_organisation_id').notNull(),
    ruleId: text('rule_id').notNull(),
    /** KEEP | REVIEW | DESTROY */
    action: text('action').notNull(),
    dueOn: date('due_on', { mode: 'string' }),
    /** A review already past due when first decided: when the desk plans it (retention-backlog.ts). */
    plannedOn: date('planned_on', { mode: 'string' }),
    reason: text('reason').notNull(),
    held: boolean('held').notNull().default(false),
    ruleSetVersion: text('rule_set_version').notNull(),
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('retention_decisions_person_idx').on(t.personId),
    // The desk asks for one force's due items.
    index('retention_decisions_due_idx').on(t.owningOrganisationId, t.action, t.dueOn),
  ],
);

/** Extensions, consents, determinations, court orders, exceptional retention and legal holds, with evidence. */
export const retentionInstruments = pgTable(
  'retention_instruments',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    /** The item it applies to; null for a legal hold on the whole person. */
    itemId: uuid('item_id'),
    /** The force whose chief officer's delegate recorded it and may end it: the item's owner, or the person's. */
    owningOrganisationId: uuid('owning_organisation_id').notNull(),
    /** See instrumentKinds in retention.types.ts */
    kind: text('kind').notNull(),
    appliedOn: date('applied_on', { mode: 'string' }),
    madeOn: date('made_on', { mode: 'string' }).notNull(),
    until: date('until', { mode: 'string' }),
    endedOn: date('ended_on', { mode: 'string' }),
    /** Who made it: "District Judge ... at ... Magistrates' Court", "Biometrics Commissioner", a chief officer. */
    madeBy: text('made_by').notNull(),
    evidence: text('evidence').notNull(),
    /** For exceptional retention of an unconvicted person's image (C1): the policing purpose and the reason. */
    policingPurpose: text('policing_purpose'),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('retention_instruments_person_idx').on(t.personId)],
);

/** A review's outcome: kept with a recorded reason, or disposed of (MoPI, Gaughran, markers, applications). */
export const retentionReviews = pgTable(
  'retention_reviews',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    itemId: uuid('item_id').notNull(),
    itemKind: text('item_kind').notNull(),
    ruleId: text('rule_id').notNull(),
    reviewedOn: date('reviewed_on', { mode: 'string' }).notNull(),
    /** KEEP | DISPOSE */
    outcome: text('outcome').notNull(),
    reason: text('reason').notNull(),
    reviewedBy: text('reviewed_by').notNull(),
    /** Keeping a record of a child under 10: the policing purpose it serves (brief 5.3). */
    policingPurpose: text('policing_purpose'),
    /** Keeping a record of a child under 10: the regard had to the Children Act 2004 s11 (brief 5.3). */
    childrenActRegard: text('children_act_regard'),
  },
  (t) => [index('retention_reviews_person_idx').on(t.personId)],
);

/**
 * An instruction to the owning force to delete its local copy: PND deletion does not cascade (brief 5.2, [S27]).
 * Forces fetch and acknowledge them; unacknowledged ones are chased and shown overdue.
 */
export const deletionNotices = pgTable(
  'deletion_notices',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    tombstoneId: uuid('tombstone_id').notNull(),
    owningOrganisationId: uuid('owning_organisation_id').notNull(),
    recordKind: text('record_kind').notNull(),
    recordId: uuid('record_id').notNull(),
    sourceSystem: text('source_system').notNull(),
    sourceRecordId: text('source_record_id').notNull(),
    ruleId: text('rule_id').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    dueBy: date('due_by', { mode: 'string' }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    chaseCount: integer('chase_count').notNull().default(0),
    lastChasedAt: timestamp('last_chased_at', { withTimezone: true }),
  },
  (t) => [
    index('deletion_notices_pending_idx').on(t.owningOrganisationId, t.acknowledgedAt),
    index('deletion_notices_person_idx').on(t.personId),
  ],
);

/**
 * An application for deletion (brief 5.2 C1, C2, C6; 5.4 P5): by the person (public form) or by a force for them,
 * naming the arrest or event. person_id is set once LEDS matches the named arrest.
 */
export const deletionApplications = pgTable(
  'deletion_applications',
  {
    id: uuid('id').primaryKey(),
    reference: text('reference').notNull().unique(),
    personId: uuid('person_id'),
    arrestId: uuid('arrest_id'),
    /** The force that holds the arrest: its chief officer's delegate decides. */
    owningOrganisationId: uuid('owning_organisation_id'),
    /** PUBLIC | STAFF */
    channel: text('channel').notNull(),
    // The applicant's details and every free text are null once erased under RDP_APPLICATION (see
    // personalDetailsErasedOn): an application outlives neither its purpose nor the record it asked about.
    applicantName: text('applicant_name'),
    applicantDateOfBirth: date('applicant_date_of_birth', { mode: 'string' }),
    contact: text('contact'),
    /** The arrest/summons number or event the application names. */
    eventReference: text('event_reference'),
    grounds: text('grounds'),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    targetDate: date('target_date', { mode: 'string' }).notNull(),
    /** RECEIVED | UNMATCHED | GRANTED | REFUSED | LAPSED (deletion-application-lifecycle.ts) */
    status: text('status').notNull(),
    decidedOn: date('decided_on', { mode: 'string' }),
    decidedBy: text('decided_by'),
    decisionReasons: text('decision_reasons'),
    policingPurpose: text('policing_purpose'),
    exceptionalReason: text('exceptional_reason'),
    applicantToldOn: date('applicant_told_on', { mode: 'string' }),
    /** NONE | LODGED | UPHELD | DISMISSED */
    appealStatus: text('appeal_status').notNull().default('NONE'),
    appealGrounds: text('appeal_grounds'),
    appealLodgedOn: date('appeal_lodged_on', { mode: 'string' }),
    appealDecidedOn: date('appeal_decided_on', { mode: 'string' }),
    appealReasons: text('appeal_reasons'),
    recordedBy: text('recorded_by').notNull(),
    /** When the applicant's details and the free texts were erased (rule RDP_APPLICATION); the rest stays for the figures. */
    personalDetailsErasedOn: date('personal_details_erased_on', { mode: 'string' }),
    /** The grounds the applicant chose from the list (deletion-grounds.ts); their own words are in `grounds`. */
    groundCodes: text('ground_codes').array().notNull().default(sql`'{}'::text[]`),
    /** The grounds the decider found met, each with its evidence: [{ code, evidence }]. */
    groundsMet: jsonb('grounds_met'),
    /** Why items were granted on no ground that covers them, or a conviction's event deleted (P4, P7). */
    exceptionalGrantReason: text('exceptional_grant_reason'),
  },
  (t) => [
    index('deletion_applications_person_idx').on(t.personId),
    index('deletion_applications_status_idx').on(t.status),
  ],
);

/**
 * The decision on each item an application covers (the event, its custody images, its fingerprints and DNA): each
 * granted or refused with its reason by the owning force's chief officer's delegate (brief 5.4 P5, P7).
 */
export const deletionApplicationItems = pgTable(
  'deletion_application_items',
  {
    id: uuid('id').primaryKey(),
    applicationId: uuid('application_id').notNull(),
    personId: uuid('person_id').notNull(),
    /** EVENT | CUSTODY_IMAGE | BIOMETRIC_REFERENCE */
    itemKind: text('item_kind').notNull(),
    itemId: uuid('item_id').notNull(),
    owningOrganisationId: uuid('owning_organisation_id').notNull(),
    /** GRANTED | REFUSED */
    decision: text('decision').notNull(),
    /** Null once erased under RDP_APPLICATION. */
    reason: text('reason'),
    decidedOn: date('decided_on', { mode: 'string' }).notNull(),
    decidedBy: text('decided_by').notNull(),
  },
  (t) => [
    index('deletion_application_items_person_idx').on(t.personId),
    index('deletion_application_items_application_idx').on(t.applicationId),
  ],
);

/**
 * A conviction deleted on the Secretary of State's direction (PoFA Part 5 Ch 4; brief 5.4 P8, T22). The conviction's
 * content is gone (tombstone); this keeps only that the arrest's outcome was disregarded, so biometrics then follow
 * the unconvicted rules.
 */
export const convictionDisregards = pgTable(
  'conviction_disregards',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id').notNull(),
    arrestId: uuid('arrest_id').notNull(),
    tombstoneId: uuid('tombstone_id'),
    disregardedOn: date('disregarded_on', { mode: 'string' }).notNull(),
    direction: text('direction').notNull(),
    recordedBy: text('recorded_by').notNull(),
  },
  (t) => [index('conviction_disregards_person_idx').on(t.personId)],
);
