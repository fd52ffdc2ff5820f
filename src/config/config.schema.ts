import { type Static, Type } from 'typebox';

// The one schema of LEDS's configuration: it is the `Config` type and the check every loaded configuration passes,
// whether its values came from the environment or from a caller (tests, the CLI's `--demo`). A setting read from
// one environment variable names it (`env`) and its default here, so the name, the default and the check cannot
// drift apart; settings made from several variables or from files are read in config.ts and checked here.

/** A whole number read from `env`, at least `minimum`. */
const count = (env: string, fallback: number, minimum = 1) => Type.Integer({ minimum, default: fallback, env });
const text = (env: string, fallback: string) => Type.String({ minLength: 1, default: fallback, env });
const maybe = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Undefined()]);

/** A purpose a user may declare before reading a person's data (brief 3.3). */
export const PurposeSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z][A-Z_]*$' }),
    name: Type.String({ minLength: 1 }),
    regime: Type.Union([Type.Literal('DPA2018_PART3'), Type.Literal('UK_GDPR')]),
    description: Type.String(),
  },
  { additionalProperties: false },
);
export type Purpose = Static<typeof PurposeSchema>;

/** A group of fields with its own legal basis and the purposes it was gathered for (brief 3, access issue). */
export const DatasetSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z][A-Z_]*$' }),
    name: Type.String({ minLength: 1 }),
    description: Type.String(),
    legalBasis: Type.String({ minLength: 1 }),
    gatheredFor: Type.Array(Type.String({ pattern: '^[A-Z][A-Z_]*$' }), { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type Dataset = Static<typeof DatasetSchema>;

/**
 * Which proxies in front of LEDS are believed about the client's address and protocol (Fastify's `trustProxy`):
 * false (none), true (any), a hop count, or addresses and CIDR ranges.
 */
const TrustProxySchema = Type.Union([Type.Boolean(), Type.Integer({ minimum: 0 }), Type.Array(Type.String())]);
export type TrustProxy = Static<typeof TrustProxySchema>;

/** Limits on the forms anyone can reach, counted per client address over a fixed window. */
const RateLimitSchema = Type.Object(
  {
    windowMinutes: count('LEDS_RATE_LIMIT_WINDOW_MINUTES', 15),
    /** Sign-in attempts (password and demo persona together) per address per window. */
    signInPerWindow: count('LEDS_RATE_LIMIT_SIGN_IN_PER_WINDOW', 50),
    /** Applications for deletion (public page and public API together) per address per window. */
    publicFormPerWindow: count('LEDS_RATE_LIMIT_PUBLIC_FORM_PER_WINDOW', 10),
  },
  { additionalProperties: false },
);
export type RateLimitSettings = Static<typeof RateLimitSchema>;

/** The audit log's settings (issue 4). */
const AuditSchema = Type.Object(
  {
    /** The log's name in its checkpoints and the name of its signing key. */
    origin: text('LEDS_AUDIT_ORIGIN', 'leds.local/audit'),
    /** Ed25519 private key (PEM) that signs checkpoints; made on first start in demo mode only. */
    signingKeyFile: Type.String({ minLength: 1 }),
    /** How often a new checkpoint is signed while entries arrive. */
    checkpointSeconds: count('LEDS_AUDIT_CHECKPOINT_SECONDS', 60),
    /** The key-encryption key of the audit vault's keys (32 bytes), outside the database; made on first start. */
    vaultKeyFile: Type.String({ minLength: 1 }),
    /** The folder of the checkpoint history kept outside the database (`checkpoints.jsonl`). */
    checkpointHistoryDir: Type.String({ minLength: 1 }),
    /** Witnesses asked to cosign every checkpoint (LEDS_AUDIT_WITNESSES: `<url>|<verifier key>`, comma-separated). */
    witnesses: Type.Array(
      Type.Object({ url: Type.String({ minLength: 1 }), verifierKey: Type.String({ minLength: 1 }) }),
    ),
    /** How many witnesses must cosign a checkpoint for it to count as witnessed (default: all of them). */
    witnessQuorum: Type.Integer({ minimum: 0 }),
    /** How long a witness is given to answer. */
    witnessTimeoutMs: count('LEDS_AUDIT_WITNESS_TIMEOUT_MS', 5000),
    /** Most entries committed together by one group commit. */
    groupCommitMax: count('LEDS_AUDIT_GROUP_COMMIT_MAX', 256),
    /** How long the audit vault keeps what users were shown (default 3 years); legal holds keep it longer. */
    retentionDays: count('LEDS_AUDIT_RETENTION_DAYS', 1096),
    /** Working hours in the service's time zone, for the out-of-hours pattern. */
    workingHours: Type.Object(
      {
        from: Type.Integer({ minimum: 0, maximum: 23 }),
        to: Type.Integer({ minimum: 1, maximum: 24 }),
        timeZone: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    /** A user whose day has this many times their usual number of actions is shown as unusual. */
    unusualVolumeFactor: count('LEDS_AUDIT_UNUSUAL_VOLUME_FACTOR', 3),
    /** This many refusals for one user in a day is shown as repeated denied attempts. */
    deniedAttemptsThreshold: count('LEDS_AUDIT_DENIED_ATTEMPTS', 5),
  },
  { additionalProperties: false },
);
export type AuditSettings = Static<typeof AuditSchema>;

/** The [U] values of brief section 5 that the retention rules use (the engine's settings). */
const RetentionSettingsProperties = {
  gaughranReviewYears: count('LEDS_RETENTION_GAUGHRAN_REVIEW_YEARS', 10),
  nsdMaxYears: count('LEDS_RETENTION_NSD_MAX_YEARS', 5),
  imageGraceDays: count('LEDS_RETENTION_IMAGE_GRACE_DAYS', 0, 0),
  exceptionalReviewYears: count('LEDS_RETENTION_EXCEPTIONAL_REVIEW_YEARS', 3),
  mopiGroup1MarkerCodes: Type.Array(Type.String({ minLength: 1 })),
  mopiGroup1ReviewYears: count('LEDS_RETENTION_MOPI_GROUP1_REVIEW_YEARS', 10),
  mopiGroup2ClearYears: count('LEDS_RETENTION_MOPI_GROUP2_CLEAR_YEARS', 10),
  mopiGroup3ClearYears: count('LEDS_RETENTION_MOPI_GROUP3_CLEAR_YEARS', 6),
  markerReviewMonths: count('LEDS_RETENTION_MARKER_REVIEW_MONTHS', 12),
  /** Days a force has to record why it keeps a child-under-10 record before it is destroyed (MOPI_UNDER_10). */
  childRecordGraceDays: count('LEDS_RETENTION_CHILD_RECORD_GRACE_DAYS', 28, 0),
  djExtensionWindowMonths: Type.Integer({ minimum: 1 }),
};
const RetentionSettingsSchema = Type.Object(RetentionSettingsProperties, { additionalProperties: false });
/** The retention engine's settings; the retention module reads its own from here. */
export type RetentionSettings = Static<typeof RetentionSettingsSchema>;

/**
 * How a deletion run ends (storage/scrub-deleted-rows.ts): `auto` is `vacuum-full` on the embedded database and
 * `vacuum` on a PostgreSQL server; `off` leaves it to the operator.
 */
export type ScrubMode = 'auto' | 'vacuum' | 'vacuum-full' | 'off';

/** The retention engine's settings (issue 5): the [U] values of brief section 5 and the job's limits. */
const RetentionSchema = Type.Object(
  {
    rulesFile: Type.String({ minLength: 1 }),
    ...RetentionSettingsProperties,
    /** Days a force has to acknowledge a deletion notice before it shows overdue and is chased. */
    noticeAcknowledgeDays: count('LEDS_RETENTION_NOTICE_ACKNOWLEDGE_DAYS', 28),
    /** Days between chases of an unacknowledged notice. */
    noticeChaseDays: count('LEDS_RETENTION_NOTICE_CHASE_DAYS', 7),
    /** The statutory target for deciding an application for deletion (RDP: 28 days). */
    applicationTargetDays: count('LEDS_RETENTION_APPLICATION_TARGET_DAYS', 28),
    /**
     * Months an application's applicant details and free texts are kept after its last step (decision, applicant
     * told, appeal decided; for one never matched, its receipt): rule RDP_APPLICATION.
     */
    applicationKeepMonths: count('LEDS_RETENTION_APPLICATION_KEEP_MONTHS', 12),
    /** Months a historic backlog of reviews (past due when first decided) is spread over; 0: none, all overdue. */
    backlogMonths: count('LEDS_RETENTION_BACKLOG_MONTHS', 24, 0),
    /** How each deletion run scrubs the deleted rows from the database's files. */
    scrubAfterDeletion: Type.Union(
      [Type.Literal('auto'), Type.Literal('vacuum'), Type.Literal('vacuum-full'), Type.Literal('off')],
      { default: 'auto', env: 'LEDS_RETENTION_SCRUB' },
    ),
    sweepSeconds: count('LEDS_RETENTION_SWEEP_SECONDS', 24 * 3600),
    sweepBatchSize: count('LEDS_RETENTION_SWEEP_BATCH_SIZE', 2000),
    /** Most items deleted in one transaction (each keeps its own tombstones, notice and audit entry). */
    deletionBatchSize: count('LEDS_RETENTION_DELETION_BATCH_SIZE', 100),
    /** How long a sweep's lease lasts without renewal: a crashed sweep's lease runs out after this. */
    sweepLeaseSeconds: count('LEDS_RETENTION_SWEEP_LEASE_SECONDS', 600),
    /**
     * The longest a sweep works before it pauses for requests: its batches and deletions are sized to fit. A request
     * arriving in a slice waits for it, so a slice well under a person read's p95 keeps reads within 1.5x (bench:
     * 100,000 people, 8 readers: 10 ms and a 40 ms pause 1.44x; 50 ms and 50 ms 2.86x).
     */
    sweepSliceMs: count('LEDS_RETENTION_SWEEP_SLICE_MS', 10),
    /** How long the sweep pauses after each slice, so requests waiting on the database run (0: only yield). */
    sweepPauseMs: count('LEDS_RETENTION_SWEEP_PAUSE_MS', 40, 0),
    /** A log line with the running sweep's counts at most this often. */
    sweepLogSeconds: count('LEDS_RETENTION_SWEEP_LOG_SECONDS', 10),
  },
  { additionalProperties: false },
);
export type RetentionConfig = Static<typeof RetentionSchema>;

/** Everything LEDS reads from its environment, validated once at start. */
export const ConfigSchema = Type.Object(
  {
    /** Demo mode: seeds synthetic people and offers demo personas on the sign-in page. */
    demo: Type.Boolean({ default: false, env: 'LEDS_DEMO' }),
    host: text('LEDS_HOST', '127.0.0.1'),
    port: count('LEDS_PORT', 8080, 0),
    /** PGlite data folder, used when no DATABASE_URL is set. */
    dataDir: Type.String({ minLength: 1 }),
    /** How long the lock of a PGlite folder outlives a killed process before another may take the folder. */
    dataLockStaleSeconds: count('LEDS_DATA_LOCK_STALE_SECONDS', 30, 2),
    /** PostgreSQL connection string; when set, the embedded database is not used. */
    databaseUrl: maybe(Type.String({ minLength: 1 })),
    /** The PostgreSQL role LEDS runs as after migrating (empty: the login user's own rights). */
    databaseRole: maybe(Type.String({ minLength: 1 })),
    /** Folder that holds custody image bytes, addressed by SHA-256. */
    blobDir: Type.String({ minLength: 1 }),
    /** Signs the web session cookie; only the web server needs it (checked by requireWebSecrets). */
    sessionSecret: Type.String(),
    sessionHours: count('LEDS_SESSION_HOURS', 8),
    /** How long a verified API key is trusted before the database is asked again (0: every request). */
    apiKeyCacheSeconds: count('LEDS_API_KEY_CACHE_SECONDS', 10, 0),
    /** The longest overlap an administrator may give a rotated API key before the old one stops working. */
    apiKeyRotationMaxOverlapHours: count('LEDS_API_KEY_ROTATION_MAX_OVERLAP_HOURS', 168, 0),
    /** Largest request body the API accepts, in bytes. */
    bodyLimitBytes: count('LEDS_BODY_LIMIT_BYTES', 1024 * 1024),
    /** How deep a JSON body may nest (objects and arrays) before it is refused. */
    maxJsonNesting: count('LEDS_MAX_JSON_NESTING', 32),
    /** Largest NDJSON ingest batch, in bytes and in lines. */
    ingestBodyLimitBytes: count('LEDS_INGEST_BODY_LIMIT_BYTES', 64 * 1024 * 1024),
    ingestMaxLines: count('LEDS_INGEST_MAX_LINES', 100_000),
    /** Largest custody image, in bytes. */
    custodyImageMaxBytes: count('LEDS_CUSTODY_IMAGE_MAX_BYTES', 5 * 1024 * 1024),
    /** Most people a search returns. */
    searchResultLimit: count('LEDS_SEARCH_RESULT_LIMIT', 50),
    demoPeople: count('LEDS_DEMO_PEOPLE', 10_000, 0),
    purposes: Type.Array(PurposeSchema, { minItems: 1 }),
    /** The dataset register (config/datasets.json). */
    datasets: Type.Array(DatasetSchema, { minItems: 1 }),
    /** Folder of the Cedar policies and their schema. */
    policyDir: Type.String({ minLength: 1 }),
    /** How long an organisation's agreements are trusted before they are read again; expiry is checked always. */
    agreementCacheSeconds: count('LEDS_AGREEMENT_CACHE_SECONDS', 5, 0),
    oidc: maybe(
      Type.Object(
        { issuer: Type.String({ minLength: 1 }), audience: Type.String({ minLength: 1 }), jwksUrl: Type.String() },
        { additionalProperties: false },
      ),
    ),
    logLevel: text('LEDS_LOG_LEVEL', 'info'),
    trustProxy: TrustProxySchema,
    /** Origins besides LEDS's own whose pages may post forms to LEDS (`https://host[:port]`). */
    trustedOrigins: Type.Array(Type.String()),
    rateLimit: RateLimitSchema,
    audit: AuditSchema,
    retention: RetentionSchema,
  },
  { additionalProperties: false },
);
export type Config = Static<typeof ConfigSchema>;
