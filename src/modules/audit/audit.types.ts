/** What happened, in the past tense (STYLE: audit event kinds). DPA 2018 s62 names for each in the comment. */
export const auditEventKinds = [
  'SEARCH_PERFORMED', // consultation
  'PERSON_VIEWED', // consultation; disclosure when the caller is another organisation's system
  'PERSON_SECTION_VIEWED',
  'CUSTODY_IMAGE_VIEWED',
  'ACCESS_REFUSED', // a denied attempt
  'RECORD_RECEIVED', // collection, alteration
  'INGEST_BATCH_RECEIVED', // collection
  'INGEST_LINES_VIEWED', // consultation: a batch report names the records a system sent
  'HELD_RECORDS_VIEWED', // consultation: pushed records waiting to be linked to a person
  'HELD_RECORD_LINKED', // collection: a reviewer linked a held record to the person it names
  'HELD_RECORD_REFUSED',
  'POSSIBLE_DUPLICATE_REVIEWED', // a force noted what it makes of a nominal sharing an identifier with its person
  'SYNTHETIC_POPULATION_SEEDED',
  'ORGANISATION_CREATED',
  'USER_CREATED',
  'API_KEY_CREATED',
  'API_KEY_REVOKED',
  'API_KEY_ROTATED', // a successor made; the old key works until the overlap ends
  'USER_DISABLED',
  'USER_ENABLED',
  'USER_SESSIONS_ENDED', // a disabled user's web sessions, deleted with the change
  'USER_SIGNED_IN',
  'PURPOSE_DECLARED',
  'AGREEMENT_CREATED',
  'AGREEMENT_STATUS_CHANGED',
  'ACCESS_APPLICATION_SUBMITTED',
  'ACCESS_APPLICATION_DECIDED',
  'ACCESS_APPLICATION_APPEALED',
  'POLICIES_CHANGED',
  'AUDIT_CASE_OPENED',
  'AUDIT_CASE_CLOSED',
  'AUDIT_SEARCHED',
  'AUDIT_ENTRY_VIEWED',
  'DELETED_RECORD_VIEWED',
  'AUDIT_PATTERNS_VIEWED',
  'AUDIT_LEGAL_HOLD_PLACED',
  'AUDIT_LEGAL_HOLD_LIFTED',
  'AUDIT_VAULT_PERIOD_DESTROYED',
  'RECORD_DELETED', // erasure; the deleted content is sealed in the vault for auditors
  'RETENTION_DECISIONS_VIEWED',
  'RETENTION_INSTRUMENT_RECORDED',
  'RETENTION_INSTRUMENT_ENDED',
  'RETENTION_REVIEW_RECORDED',
  'RETENTION_SWEEP_COMPLETED',
  'DELETION_NOTICE_ACKNOWLEDGED',
  'DELETION_NOTICES_FETCHED',
  'DELETION_APPLICATION_RECEIVED',
  'DELETION_APPLICATION_VIEWED',
  'DELETION_APPLICATION_DECIDED',
  'DELETION_APPLICATION_APPEALED',
  'DELETION_APPLICATION_MATCHED',
  'DELETION_APPLICANT_TOLD',
  'CONVICTION_DISREGARDED',
] as const;
export type AuditEventKind = (typeof auditEventKinds)[number];

export type AuditOutcome = 'ALLOWED' | 'DENIED' | 'FAILED';

/** How the action reached LEDS. */
export type AuditChannel = 'API' | 'WEB' | 'CLI' | 'JOB';

/**
 * One audit entry exactly as it is hashed into the log (its canonical JSON, keys sorted, is the leaf data).
 * Who, for which organisation, for what declared purpose and case, did what to whom, with what decision and why,
 * when, and under which correlation id (brief section 4, DPA 2018 s62).
 */
export interface AuditEntryBody {
  v: 1;
  /**
   * 128 random bits, hashed with the entry: its public leaf hash cannot confirm a guess of what it records. Entries
   * written before it was added have none.
   */
  salt?: string;
  seq: number;
  recordedAt: string;
  kind: AuditEventKind;
  action: string;
  outcome: AuditOutcome;
  actor: { kind: 'user' | 'system'; id: string; name: string };
  organisation: { id: string; code: string; kind: string } | null;
  purpose: string | null;
  caseReference: string | null;
  channel: AuditChannel;
  correlationId: string;
  subjects: string[];
  reasons: string[];
  details: Record<string, unknown>;
  /** The SHA-256 and length of what the user was shown; the content itself is sealed in the audit vault. */
  shown: { sha256: string; bytes: number } | null;
}

/** What a service tells the audit trail about one action. */
export interface AuditEvent {
  kind: AuditEventKind;
  action: string;
  outcome?: AuditOutcome;
  subjects?: readonly string[];
  reasons?: readonly string[];
  details?: Record<string, unknown>;
  /** What the caller was shown (the exact payload or page data); hashed into the entry and kept for auditors. */
  shown?: unknown;
}
