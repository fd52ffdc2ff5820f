import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/** Raw bytes. PGlite answers Uint8Array and node-postgres Buffer; readers wrap either in Buffer.from. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

// INVARIANT: audit_entries, audit_tree_nodes and audit_checkpoints are append-only. A trigger refuses UPDATE,
// DELETE and TRUNCATE on both databases, and on PostgreSQL the application's role holds only SELECT and INSERT
// on them (migration 0006). Citus: these are local to the coordinator, not distributed by person.

/**
 * One leaf of the audit log per action on LEDS data. `entry` is the canonical JSON that is hashed into the tree;
 * the other columns repeat its fields so auditors can search, and verification checks they still agree.
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    /** The leaf index in the Merkle tree, from 0, with no gaps. */
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    /** Past tense, for example PERSON_VIEWED. */
    kind: text('kind').notNull(),
    /** The named action, for example person.view. */
    action: text('action').notNull(),
    /** ALLOWED, DENIED or FAILED. */
    outcome: text('outcome').notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    organisationId: uuid('organisation_id'),
    organisationCode: text('organisation_code'),
    organisationKind: text('organisation_kind'),
    purpose: text('purpose'),
    caseReference: text('case_reference'),
    /** API, WEB, CLI or JOB. */
    channel: text('channel').notNull(),
    correlationId: text('correlation_id').notNull(),
    /** The people the action touched. */
    subjectIds: uuid('subject_ids').array().notNull().default(sql`'{}'::uuid[]`),
    entry: text('entry').notNull(),
  },
  (t) => [
    index('audit_entries_recorded_at_idx').on(t.recordedAt),
    index('audit_entries_actor_idx').on(t.actorId, t.recordedAt),
    index('audit_entries_organisation_idx').on(t.organisationId, t.recordedAt),
    index('audit_entries_correlation_idx').on(t.correlationId),
    // Auditors search by kind, and each start finds the last POLICIES_CHANGED entry without scanning the log.
    index('audit_entries_kind_idx').on(t.kind, t.seq),
    index('audit_entries_subjects_idx').using('gin', t.subjectIds),
  ],
);

/** Hashes of the perfect subtrees of the log: level 0 holds the leaf hashes, level L covers 2^L leaves. */
export const auditTreeNodes = pgTable(
  'audit_tree_nodes',
  {
    level: smallint('level').notNull(),
    nodeIndex: bigint('node_index', { mode: 'number' }).notNull(),
    hash: bytea('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.nodeIndex] })],
);

/** Signed checkpoints (C2SP signed note): the log's size and root, signed with the log's Ed25519 key. */
export const auditCheckpoints = pgTable('audit_checkpoints', {
  treeSize: bigint('tree_size', { mode: 'number' }).primaryKey(),
  rootHash: bytea('root_hash').notNull(),
  note: text('note').notNull(),
  signedAt: timestamp('signed_at', { withTimezone: true }).notNull(),
});

/**
 * Witnesses' cosignatures (c2sp.org/tlog-cosignature) of signed checkpoints: one signature line per witness and
 * checkpoint, as the witness returned it. Append-only like the checkpoints they cosign.
 */
export const auditCosignatures = pgTable(
  'audit_cosignatures',
  {
    treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
    /** The witness's verifier key: its name, key id and public key. */
    witnessKey: text('witness_key').notNull(),
    line: text('line').notNull(),
    cosignedAt: timestamp('cosigned_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.treeSize, t.witnessKey] })],
);

/**
 * One content key per calendar month of audit entries. Destroying the key (and the content it sealed) ends the
 * audit vault's copy after the audit retention period; entries, hashes and proofs stay and still verify.
 */
export const auditVaultKeys = pgTable('audit_vault_keys', {
  period: text('period').primaryKey(),
  /** A key from before keys were wrapped; LEDS wraps it at start and clears this. */
  key: bytea('key'),
  /** The month's key wrapped with the key-encryption key outside the database (vault-key-wrapping.ts). */
  wrappedKey: bytea('wrapped_key'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  destroyedAt: timestamp('destroyed_at', { withTimezone: true }),
});

/** What a user was shown, sealed with AES-256-GCM under its period's key (or a legal hold's key). */
export const auditVaultContent = pgTable(
  'audit_vault_content',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    period: text('period').notNull(),
    /** Set when a legal hold took the content over from its period key. */
    legalHoldId: uuid('legal_hold_id'),
    nonce: bytea('nonce').notNull(),
    sealed: bytea('sealed').notNull(),
    bytes: integer('bytes').notNull(),
  },
  (t) => [index('audit_vault_content_period_idx').on(t.period)],
);

/** A legal hold keeps the vault content about a person or a user past the audit retention period. */
export const auditLegalHolds = pgTable('audit_legal_holds', {
  id: uuid('id').primaryKey(),
  /** PERSON or USER. */
  subjectKind: text('subject_kind').notNull(),
  subjectId: text('subject_id').notNull(),
  reason: text('reason').notNull(),
  placedBy: text('placed_by').notNull(),
  placedAt: timestamp('placed_at', { withTimezone: true }).notNull(),
  liftedAt: timestamp('lifted_at', { withTimezone: true }),
  /** A key from before keys were wrapped; LEDS wraps it at start and clears this. */
  key: bytea('key'),
  wrappedKey: bytea('wrapped_key'),
});

// The auditors' cases (audit_cases) belong to the auditor console: modules/oversight/oversight.tables.ts.
