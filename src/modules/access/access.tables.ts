import { sql } from 'drizzle-orm';
import { boolean, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// Reference tables: small, replicated to every node under Citus.

/** Police forces, non-police law-enforcement agencies and oversight bodies. */
export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  /** POLICE_FORCE | NON_POLICE_AGENCY | OVERSIGHT_BODY */
  kind: text('kind').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  organisationId: uuid('organisation_id')
    .notNull()
    .references(() => organisations.id),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  /** Where the user lives, for the audit pattern "viewed people at the user's own address". */
  homePostcode: text('home_postcode'),
  /** Argon2id; null for users who sign in only through the identity provider. */
  passwordHash: text('password_hash'),
  oidcSubject: text('oidc_subject').unique(),
  roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Keys that force and agency systems present; only a SHA-256 of the secret is stored. */
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey(),
  organisationId: uuid('organisation_id')
    .notNull()
    .references(() => organisations.id),
  name: text('name').notNull(),
  keyPrefix: text('key_prefix').notNull().unique(),
  keyHash: text('key_hash').notNull(),
  roles: text('roles').array().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  /**
   * Set when the key is rotated: the old key keeps working until then (the overlap the administrator chose),
   * so the system holding it can change to its successor without an outage. Null: no end but revocation.
   */
  expiresAt: timestamp('expires_at', { withTimezone: true }),
});

/** Web sessions; the cookie holds a random token and only its SHA-256 is stored. */
export const webSessions = pgTable(
  'web_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose'),
    caseReference: text('case_reference'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('web_sessions_user_idx').on(t.userId)],
);

/** A data sharing agreement: what an organisation may do with which datasets, for which purposes, until when. */
export const dataSharingAgreements = pgTable('data_sharing_agreements', {
  id: uuid('id').primaryKey(),
  reference: text('reference').notNull().unique(),
  organisationId: uuid('organisation_id')
    .notNull()
    .references(() => organisations.id),
  /** ACTIVE | SUSPENDED | ENDED. Only ACTIVE agreements within their dates grant anything. */
  status: text('status').notNull(),
  validFrom: date('valid_from', { mode: 'string' }).notNull(),
  validTo: date('valid_to', { mode: 'string' }).notNull(),
  reviewDue: date('review_due', { mode: 'string' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One grant of an agreement: operations on a dataset, for purposes (push grants name no purpose). */
export const agreementGrants = pgTable(
  'agreement_grants',
  {
    id: uuid('id').primaryKey(),
    agreementId: uuid('agreement_id')
      .notNull()
      .references(() => dataSharingAgreements.id),
    dataset: text('dataset').notNull(),
    /** read | search | create | update | delete | export | push */
    operations: text('operations').array().notNull(),
    purposes: text('purposes').array().notNull(),
  },
  (t) => [index('agreement_grants_agreement_idx').on(t.agreementId)],
);

/** An organisation's application for access, decided by the access panel (brief 3.1: PIAP). */
export const accessApplications = pgTable('access_applications', {
  id: uuid('id').primaryKey(),
  reference: text('reference').notNull().unique(),
  organisationId: uuid('organisation_id')
    .notNull()
    .references(() => organisations.id),
  submittedBy: text('submitted_by').notNull(),
  submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
  /** SUBMITTED | APPROVED | PARTLY_APPROVED | REFUSED | APPEALED | APPEAL_UPHELD | APPEAL_DISMISSED */
  status: text('status').notNull(),
  requestedValidTo: date('requested_valid_to', { mode: 'string' }).notNull(),
  decidedBy: text('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decisionReason: text('decision_reason'),
  appealGrounds: text('appeal_grounds'),
  appealedAt: timestamp('appealed_at', { withTimezone: true }),
  appealDecidedBy: text('appeal_decided_by'),
  appealDecidedAt: timestamp('appeal_decided_at', { withTimezone: true }),
  appealReason: text('appeal_reason'),
  agreementReference: text('agreement_reference'),
});

/** One dataset asked for in an application, with its legal basis and business case, and the panel's decision. */
export const accessApplicationItems = pgTable(
  'access_application_items',
  {
    id: uuid('id').primaryKey(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => accessApplications.id),
    dataset: text('dataset').notNull(),
    operations: text('operations').array().notNull(),
    purposes: text('purposes').array().notNull(),
    legalBasis: text('legal_basis').notNull(),
    businessCase: text('business_case').notNull(),
    /** APPROVED | REFUSED, once decided */
    decision: text('decision'),
    decisionReason: text('decision_reason'),
  },
  (t) => [index('access_application_items_application_idx').on(t.applicationId)],
);
