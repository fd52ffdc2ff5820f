import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
