import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { type Static, type TSchema, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { RetentionSettings } from '../modules/retention/retention.types.ts';

/** A purpose a user may declare before reading a person's data (brief 3.3). */
const PurposeSchema = Type.Object(
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
const DatasetSchema = Type.Object(
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
const DatasetsFileSchema = Type.Object(
  { datasets: Type.Array(DatasetSchema, { minItems: 1 }) },
  { additionalProperties: false },
);

const PurposesFileSchema = Type.Object(
  { purposes: Type.Array(PurposeSchema, { minItems: 1 }) },
  { additionalProperties: false },
);

/** Everything LEDS reads from its environment, validated once at start. */
export interface Config {
  /** Demo mode: seeds synthetic people and offers demo personas on the sign-in page. */
  demo: boolean;
  host: string;
  port: number;
  /** PGlite data folder, used when no DATABASE_URL is set. */
  dataDir: string;
  /** How long the lock of a PGlite folder outlives a killed process before another may take the folder. */
  dataLockStaleSeconds: number;
  /** PostgreSQL connection string; when set, the embedded database is not used. */
  databaseUrl: string | undefined;
  /** The PostgreSQL role LEDS runs as after migrating (empty: the login user's own rights). */
  databaseRole: string | undefined;
  /** Folder that holds custody image bytes, addressed by SHA-256. */
  blobDir: string;
  /** Signs the web session cookie; only the web server needs it (checked by requireWebSecrets). */
  sessionSecret: string;
  sessionHours: number;
  /** How long a verified API key is trusted before the database is asked again (0: every request). */
  apiKeyCacheSeconds: number;
  /** The longest overlap an administrator may give a rotated API key before the old one stops working. */
  apiKeyRotationMaxOverlapHours: number;
  /** Largest request body the API accepts, in bytes. */
  bodyLimitBytes: number;
  /** How deep a JSON body may nest (objects and arrays) before it is refused. */
  maxJsonNesting: number;
  /** Largest NDJSON ingest batch, in bytes and in lines. */
  ingestBodyLimitBytes: number;
  ingestMaxLines: number;
  /** Largest custody image, in bytes. */
  custodyImageMaxBytes: number;
  /** Most people a search returns. */
  searchResultLimit: number;
  demoPeople: number;
  purposes: Purpose[];
  /** The dataset register (config/datasets.json). */
  datasets: Dataset[];
  /** Folder of the Cedar policies and their schema. */
  policyDir: string;
  /** How long an organisation's agreements are trusted before they are read again; expiry is checked always. */
  agreementCacheSeconds: number;
  oidc: { issuer: string; audience: string; jwksUrl: string } | undefined;
  logLevel: string;
  /**
   * Which proxies in front of LEDS are believed about the client's address and protocol (Fastify's `trustProxy`):
   * false (none), true (any), a hop count, or addresses and CIDR ranges.
   */
  trustProxy: TrustProxy;
  /** Origins besides LEDS's own whose pages may post forms to LEDS (`https://host[:port]`). */
  trustedOrigins: string[];
  rateLimit: RateLimitSettings;
  audit: AuditSettings;
  retention: RetentionConfig;
}

export type TrustProxy = boolean | number | string[];

/** Limits on the forms anyone can reach, counted per client address over a fixed window. */
export interface RateLimitSettings {
  windowMinutes: number;
  /** Sign-in attempts (password and demo persona together) per address per window. */
  signInPerWindow: number;
  /** Applications for deletion (public page and public API together) per address per window. */
  publicFormPerWindow: number;
}

/** The retention engine's settings (issue 5): the [U] values of brief section 5 and the job's limits. */
export interface RetentionConfig extends RetentionSettings {
  rulesFile: string;
  /** Days a force has to acknowledge a deletion notice before it shows overdue and is chased. */
  noticeAcknowledgeDays: number;
  /** Days between chases of an unacknowledged notice. */
  noticeChaseDays: number;
  /** The statutory target for deciding an application for deletion (RDP: 28 days). */
  applicationTargetDays: number;
  sweepSeconds: number;
  sweepBatchSize: number;
  /** Most items deleted in one transaction (each keeps its own tombstones, notice and audit entry). */
  deletionBatchSize: number;
  /** How long a sweep's lease lasts without renewal: a crashed sweep's lease runs out after this. */
  sweepLeaseSeconds: number;
  /** The sweep works in slices of at most this many milliseconds, then pauses, so requests never wait long. */
  sweepSliceMs: number;
  /** Milliseconds the sweep pauses after each slice, left to requests (slice 50, pause 50: half the time). */
  sweepPauseMs: number;
  /** A log line with the sweep's counts at most this often while it runs. */
  sweepLogSeconds: number;
}

/** The audit log's settings (issue 4). */
export interface AuditSettings {
  /** The log's name in its checkpoints and the name of its signing key. */
  origin: string;
  /** Ed25519 private key (PEM) that signs checkpoints; made on first start when missing. */
  signingKeyFile: string;
  /** How often a new checkpoint is signed while entries arrive. */
  checkpointSeconds: number;
  /** Most entries committed together by one group commit. */
  groupCommitMax: number;
  /** How long the audit vault keeps what users were shown (default 3 years); legal holds keep it longer. */
  retentionDays: number;
  /** Working hours in the service's time zone, for the out-of-hours pattern. */
  workingHours: { from: number; to: number; timeZone: string };
  /** A user whose day has this many times their usual number of actions is shown as unusual. */
  unusualVolumeFactor: number;
  /** This many refusals for one user in a day is shown as repeated denied attempts. */
  deniedAttemptsThreshold: number;
}

function workingHours(raw: string | undefined): { from: number; to: number } {
  const value = raw ?? '07-19';
  const match = /^([01]?[0-9]|2[0-3])-([01]?[0-9]|2[0-4])$/.exec(value);
  if (!match || Number(match[1]) >= Number(match[2]))
    throw new ConfigError(`LEDS_AUDIT_WORKING_HOURS must be two hours like \`07-19\`, got \`${value}\``);
  return { from: Number(match[1]), to: Number(match[2]) };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be a whole number of at least ${min}, got \`${raw}\``);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got \`${raw}\``);
}

const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `LEDS_TRUST_PROXY`: off by default; `true`, a hop count, or a comma-separated list of addresses and CIDR ranges. */
function trustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const prefixFits =
      prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!(proxyNames.has(entry) || (family !== 0 && prefixFits && rest.length === 0))) {
      throw new ConfigError(
        `LEDS_TRUST_PROXY must be true, a hop count, or addresses and CIDR ranges separated by commas, got \`${entry}\``,
      );
    }
  }
  return entries;
}

/** `LEDS_TRUSTED_ORIGINS`: each exactly as a browser sends it in `Origin` (scheme, host, port if not the default). */
function trustedOrigins(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    let origin: string | undefined;
    try {
      const url = new URL(entry);
      if (url.protocol === 'https:' || url.protocol === 'http:') origin = url.origin;
    } catch {
      origin = undefined;
    }
    if (origin !== entry) {
      throw new ConfigError(
        `LEDS_TRUSTED_ORIGINS must list origins like \`https://leds.example.org\` (no path, no final slash), got \`${entry}\``,
      );
    }
  }
  return entries;
}

function readConfigFile<T extends TSchema>(file: string, what: string, schema: T): Static<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the ${what} file \`${file}\`: ${(error as Error).message}`);
  }
  const check = Compile(schema);
  if (!check.Check(parsed)) {
    const first = [...check.Errors(parsed)][0];
    throw new ConfigError(`the ${what} file \`${file}\` is invalid at \`${first?.instancePath}\`: ${first?.message}`);
  }
  return parsed as Static<T>;
}

export function readPurposes(file: string): Purpose[] {
  return readConfigFile(file, 'purposes', PurposesFileSchema).purposes;
}

/** Reads the dataset register; every purpose a dataset was gathered for must be a configured purpose. */
export function readDatasets(file: string, purposes: Purpose[]): Dataset[] {
  const { datasets } = readConfigFile(file, 'datasets', DatasetsFileSchema);
  const known = new Set(purposes.map((p) => p.code));
  for (const dataset of datasets) {
    for (const purpose of dataset.gatheredFor) {
      if (!known.has(purpose))
        throw new ConfigError(`dataset \`${dataset.code}\` names \`${purpose}\`, which is not a configured purpose`);
    }
  }
  return datasets;
}

const projectRoot = path.resolve(import.meta.dirname, '..', '..');

/**
 * Reads and validates configuration. Fails fast with a message naming the variable,
 * because a half-configured records service is worse than one that does not start.
 */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const demo = overrides.demo ?? flag(env, 'LEDS_DEMO', false);
  const dataDir = path.resolve(overrides.dataDir ?? env.LEDS_DATA_DIR ?? 'data');
  // SECURITY: outside demo mode there is no default session secret, so cookies cannot be forged with a known key.
  const sessionSecret =
    overrides.sessionSecret ?? env.LEDS_SESSION_SECRET ?? (demo ? 'demo-only-session-secret-not-for-real-use' : '');
  const purposes = readPurposes(env.LEDS_PURPOSES_FILE ?? path.join(projectRoot, 'config', 'purposes.json'));
  const oidcIssuer = env.LEDS_OIDC_ISSUER;
  const oidcJwksUrl = env.LEDS_OIDC_JWKS_URL;
  const oidcAudience = env.LEDS_OIDC_AUDIENCE;
  if ((oidcIssuer || oidcJwksUrl || oidcAudience) && !(oidcIssuer && oidcJwksUrl && oidcAudience)) {
    throw new ConfigError('LEDS_OIDC_ISSUER, LEDS_OIDC_AUDIENCE and LEDS_OIDC_JWKS_URL must be set together');
  }
  return {
    demo,
    host: env.LEDS_HOST ?? '127.0.0.1',
    port: integer(env, 'LEDS_PORT', 8080, 0),
    dataDir,
    dataLockStaleSeconds: integer(env, 'LEDS_DATA_LOCK_STALE_SECONDS', 30, 2),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseRole: env.LEDS_DATABASE_ROLE === '' ? undefined : (env.LEDS_DATABASE_ROLE ?? 'leds_app'),
    blobDir: path.resolve(env.LEDS_BLOB_DIR ?? path.join(dataDir, 'blobs')),
    sessionSecret,
    sessionHours: integer(env, 'LEDS_SESSION_HOURS', 8),
    apiKeyCacheSeconds: integer(env, 'LEDS_API_KEY_CACHE_SECONDS', 10, 0),
    apiKeyRotationMaxOverlapHours: integer(env, 'LEDS_API_KEY_ROTATION_MAX_OVERLAP_HOURS', 168, 0),
    bodyLimitBytes: integer(env, 'LEDS_BODY_LIMIT_BYTES', 1024 * 1024),
    maxJsonNesting: integer(env, 'LEDS_MAX_JSON_NESTING', 32),
    ingestBodyLimitBytes: integer(env, 'LEDS_INGEST_BODY_LIMIT_BYTES', 64 * 1024 * 1024),
    ingestMaxLines: integer(env, 'LEDS_INGEST_MAX_LINES', 100_000),
    custodyImageMaxBytes: integer(env, 'LEDS_CUSTODY_IMAGE_MAX_BYTES', 5 * 1024 * 1024),
    searchResultLimit: integer(env, 'LEDS_SEARCH_RESULT_LIMIT', 50),
    demoPeople: integer(env, 'LEDS_DEMO_PEOPLE', 10_000, 0),
    purposes,
    datasets: readDatasets(env.LEDS_DATASETS_FILE ?? path.join(projectRoot, 'config', 'datasets.json'), purposes),
    policyDir: path.resolve(env.LEDS_POLICY_DIR ?? path.join(projectRoot, 'policies')),
    agreementCacheSeconds: integer(env, 'LEDS_AGREEMENT_CACHE_SECONDS', 5, 0),
    oidc:
      oidcIssuer && oidcJwksUrl && oidcAudience
        ? { issuer: oidcIssuer, audience: oidcAudience, jwksUrl: oidcJwksUrl }
        : undefined,
    logLevel: env.LEDS_LOG_LEVEL ?? 'info',
    trustProxy: trustProxy(env.LEDS_TRUST_PROXY),
    trustedOrigins: trustedOrigins(env.LEDS_TRUSTED_ORIGINS),
    rateLimit: {
      windowMinutes: integer(env, 'LEDS_RATE_LIMIT_WINDOW_MINUTES', 15),
      signInPerWindow: integer(env, 'LEDS_RATE_LIMIT_SIGN_IN_PER_WINDOW', 50),
      publicFormPerWindow: integer(env, 'LEDS_RATE_LIMIT_PUBLIC_FORM_PER_WINDOW', 10),
    },
    audit: {
      origin: env.LEDS_AUDIT_ORIGIN ?? 'leds.local/audit',
      signingKeyFile: path.resolve(env.LEDS_AUDIT_SIGNING_KEY_FILE ?? path.join(dataDir, 'audit-signing-key.pem')),
      checkpointSeconds: integer(env, 'LEDS_AUDIT_CHECKPOINT_SECONDS', 60),
      groupCommitMax: integer(env, 'LEDS_AUDIT_GROUP_COMMIT_MAX', 256),
      retentionDays: integer(env, 'LEDS_AUDIT_RETENTION_DAYS', 1096),
      workingHours: { ...workingHours(env.LEDS_AUDIT_WORKING_HOURS), timeZone: env.LEDS_TIME_ZONE ?? 'Europe/London' },
      unusualVolumeFactor: integer(env, 'LEDS_AUDIT_UNUSUAL_VOLUME_FACTOR', 3),
      deniedAttemptsThreshold: integer(env, 'LEDS_AUDIT_DENIED_ATTEMPTS', 5),
    },
    retention: {
      rulesFile: path.resolve(
        env.LEDS_RETENTION_RULES_FILE ?? path.join(projectRoot, 'config', 'retention-rules.json'),
      ),
      gaughranReviewYears: integer(env, 'LEDS_RETENTION_GAUGHRAN_REVIEW_YEARS', 10),
      nsdMaxYears: integer(env, 'LEDS_RETENTION_NSD_MAX_YEARS', 5),
      imageGraceDays: integer(env, 'LEDS_RETENTION_IMAGE_GRACE_DAYS', 0, 0),
      exceptionalReviewYears: integer(env, 'LEDS_RETENTION_EXCEPTIONAL_REVIEW_YEARS', 3),
      mopiGroup1MarkerCodes: (env.LEDS_RETENTION_MOPI_GROUP1_MARKER_CODES ?? 'MAPPA,PDP')
        .split(',')
        .map((code) => code.trim())
        .filter(Boolean),
      mopiGroup1ReviewYears: integer(env, 'LEDS_RETENTION_MOPI_GROUP1_REVIEW_YEARS', 10),
      mopiGroup2ClearYears: integer(env, 'LEDS_RETENTION_MOPI_GROUP2_CLEAR_YEARS', 10),
      mopiGroup3ClearYears: integer(env, 'LEDS_RETENTION_MOPI_GROUP3_CLEAR_YEARS', 6),
      markerReviewMonths: integer(env, 'LEDS_RETENTION_MARKER_REVIEW_MONTHS', 12),
      djExtensionWindowMonths: 3,
      noticeAcknowledgeDays: integer(env, 'LEDS_RETENTION_NOTICE_ACKNOWLEDGE_DAYS', 28),
      noticeChaseDays: integer(env, 'LEDS_RETENTION_NOTICE_CHASE_DAYS', 7),
      applicationTargetDays: integer(env, 'LEDS_RETENTION_APPLICATION_TARGET_DAYS', 28),
      sweepSeconds: integer(env, 'LEDS_RETENTION_SWEEP_SECONDS', 24 * 3600),
      sweepBatchSize: integer(env, 'LEDS_RETENTION_SWEEP_BATCH_SIZE', 2000),
      sweepLeaseSeconds: integer(env, 'LEDS_RETENTION_SWEEP_LEASE_SECONDS', 600),
      deletionBatchSize: integer(env, 'LEDS_RETENTION_DELETION_BATCH_SIZE', 100),
      sweepSliceMs: integer(env, 'LEDS_RETENTION_SWEEP_SLICE_MS', 50),
      sweepPauseMs: integer(env, 'LEDS_RETENTION_SWEEP_PAUSE_MS', 50, 0),
      sweepLogSeconds: integer(env, 'LEDS_RETENTION_SWEEP_LOG_SECONDS', 10),
    },
    ...overrides,
  };
}

/** Fails unless the secrets the web server needs are set; commands that do not serve pages do not need them. */
export function requireWebSecrets(config: Config): void {
  if (config.sessionSecret.length < 32) {
    throw new ConfigError('LEDS_SESSION_SECRET must be set to at least 32 characters outside demo mode');
  }
}
