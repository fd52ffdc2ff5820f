import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { type Config, ConfigSchema, type TrustProxy } from './config.schema.ts';
import { ConfigError } from './config-error.ts';
import { readDatasets, readPurposes } from './config-files.ts';

export type {
  AuditSettings,
  Config,
  Dataset,
  Purpose,
  RateLimitSettings,
  RetentionConfig,
  RetentionSettings,
  TrustProxy,
} from './config.schema.ts';
export { ConfigError } from './config-error.ts';
export { readDatasets, readPurposes } from './config-files.ts';

type Env = Record<string, string | undefined>;

function workingHours(raw: string | undefined): { from: number; to: number } {
  const value = raw ?? '07-19';
  const match = /^([01]?[0-9]|2[0-3])-([01]?[0-9]|2[0-4])$/.exec(value);
  if (!match || Number(match[1]) >= Number(match[2]))
    throw new ConfigError(`LEDS_AUDIT_WORKING_HOURS must be two hours like \`07-19\`, got \`${value}\``);
  return { from: Number(match[1]), to: Number(match[2]) };
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

/** A setting read from one environment variable: its schema carries the variable's name and default. */
interface EnvSetting {
  env?: string;
  default?: unknown;
  type?: string;
  minimum?: number;
  properties?: Record<string, EnvSetting>;
}

/** One variable's value as its schema's type: a whole number, true or false, or text; empty means the default. */
function readVariable(env: Env, setting: EnvSetting & { env: string }): unknown {
  const raw = env[setting.env];
  if (raw === undefined || raw === '') return setting.default;
  if (setting.type === 'integer') {
    const value = Number(raw);
    const min = setting.minimum ?? 0;
    if (!Number.isInteger(value) || value < min)
      throw new ConfigError(`${setting.env} must be a whole number of at least ${min}, got \`${raw}\``);
    return value;
  }
  if (setting.type === 'boolean') {
    if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
    throw new ConfigError(`${setting.env} must be true or false, got \`${raw}\``);
  }
  return raw;
}

/** Every setting of the schema that one variable gives, nested as the schema nests them. */
function readVariables(schema: EnvSetting, env: Env): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(schema.properties ?? {})) {
    if (setting.env !== undefined) values[name] = readVariable(env, { ...setting, env: setting.env });
    else if (setting.properties) values[name] = readVariables(setting, env);
  }
  return values;
}

const checkConfig = Compile(ConfigSchema);

/** Refuses a configuration the schema does not allow, naming the first setting that is wrong. */
function checked(candidate: unknown): Config {
  if (checkConfig.Check(candidate)) return candidate;
  const first = [...checkConfig.Errors(candidate)][0];
  const where = first?.instancePath || '/';
  const value = where
    .split('/')
    .filter(Boolean)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], candidate);
  const says = first?.schemaPath.endsWith('/additionalProperties') ? 'is not a setting' : first?.message;
  throw new ConfigError(`the setting \`${where}\` ${says ?? 'is not valid'}, got \`${JSON.stringify(value)}\``);
}

/** The OpenID Connect provider, when all three of its variables are set. */
function oidcProvider(env: Env): Config['oidc'] {
  const issuer = env.LEDS_OIDC_ISSUER;
  const jwksUrl = env.LEDS_OIDC_JWKS_URL;
  const audience = env.LEDS_OIDC_AUDIENCE;
  if ((issuer || jwksUrl || audience) && !(issuer && jwksUrl && audience)) {
    throw new ConfigError('LEDS_OIDC_ISSUER, LEDS_OIDC_AUDIENCE and LEDS_OIDC_JWKS_URL must be set together');
  }
  return issuer && jwksUrl && audience ? { issuer, audience, jwksUrl } : undefined;
}

/** LEDS_AUDIT_WITNESSES (`<url>|<verifier key>`, comma-separated) and LEDS_AUDIT_WITNESS_QUORUM. */
function auditWitnesses(env: Env): { witnesses: { url: string; verifierKey: string }[]; witnessQuorum: number } {
  const witnesses = (env.LEDS_AUDIT_WITNESSES ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const [url = '', verifierKey = '', ...rest] = item.split('|').map((part) => part.trim());
      if (!/^https?:\/\/[^\s]+$/.test(url) || verifierKey === '' || rest.length > 0)
        throw new ConfigError(`LEDS_AUDIT_WITNESSES: \`${item}\` is not \`<http(s) url>|<verifier key>\``);
      return { url: url.replace(/\/+$/, ''), verifierKey };
    });
  const quorum = env.LEDS_AUDIT_WITNESS_QUORUM === undefined ? witnesses.length : Number(env.LEDS_AUDIT_WITNESS_QUORUM);
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > witnesses.length)
    throw new ConfigError(
      `LEDS_AUDIT_WITNESS_QUORUM must be a whole number from 0 to ${witnesses.length}, the witnesses configured`,
    );
  return { witnesses, witnessQuorum: quorum };
}

const projectRoot = path.resolve(import.meta.dirname, '..', '..');

/** The settings made from files, folders and lists rather than from one variable's value. */
function readCompoundSettings(env: Env, fromEnv: Record<string, unknown>, overrides: Partial<Config>) {
  const demo = overrides.demo ?? (fromEnv.demo as boolean);
  const dataDir = path.resolve(overrides.dataDir ?? env.LEDS_DATA_DIR ?? 'data');
  const purposes = readPurposes(env.LEDS_PURPOSES_FILE ?? path.join(projectRoot, 'config', 'purposes.json'));
  const audit = fromEnv.audit as Record<string, unknown>;
  const retention = fromEnv.retention as Record<string, unknown>;
  return {
    demo,
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    databaseRole: env.LEDS_DATABASE_ROLE === '' ? undefined : (env.LEDS_DATABASE_ROLE ?? 'leds_app'),
    blobDir: path.resolve(env.LEDS_BLOB_DIR ?? path.join(dataDir, 'blobs')),
    // SECURITY: outside demo mode there is no default session secret, so cookies cannot be forged with a known key.
    sessionSecret: env.LEDS_SESSION_SECRET ?? (demo ? 'demo-only-session-secret-not-for-real-use' : ''),
    purposes,
    datasets: readDatasets(env.LEDS_DATASETS_FILE ?? path.join(projectRoot, 'config', 'datasets.json'), purposes),
    policyDir: path.resolve(env.LEDS_POLICY_DIR ?? path.join(projectRoot, 'policies')),
    oidc: oidcProvider(env),
    trustProxy: trustProxy(env.LEDS_TRUST_PROXY),
    trustedOrigins: trustedOrigins(env.LEDS_TRUSTED_ORIGINS),
    audit: {
      ...audit,
      signingKeyFile: path.resolve(env.LEDS_AUDIT_SIGNING_KEY_FILE ?? path.join(dataDir, 'audit-signing-key.pem')),
      vaultKeyFile: path.resolve(env.LEDS_AUDIT_VAULT_KEY_FILE ?? path.join(dataDir, 'audit-vault-key.bin')),
      checkpointHistoryDir: path.resolve(
        env.LEDS_AUDIT_CHECKPOINT_HISTORY_DIR ?? path.join(dataDir, 'audit-checkpoints'),
      ),
      ...auditWitnesses(env),
      workingHours: { ...workingHours(env.LEDS_AUDIT_WORKING_HOURS), timeZone: env.LEDS_TIME_ZONE ?? 'Europe/London' },
    },
    retention: {
      ...retention,
      rulesFile: path.resolve(
        env.LEDS_RETENTION_RULES_FILE ?? path.join(projectRoot, 'config', 'retention-rules.json'),
      ),
      mopiGroup1MarkerCodes: (env.LEDS_RETENTION_MOPI_GROUP1_MARKER_CODES ?? 'MAPPA,PDP')
        .split(',')
        .map((code) => code.trim())
        .filter(Boolean),
      djExtensionWindowMonths: 3,
    },
  };
}

/**
 * Reads and validates configuration. Fails fast with a message naming the variable (or, for what a caller
 * passes, the setting), because a half-configured records service is worse than one that does not start.
 */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const fromEnv = readVariables(ConfigSchema as TSchema as EnvSetting, env);
  return checked({ ...fromEnv, ...readCompoundSettings(env, fromEnv, overrides), ...overrides });
}

/** Fails unless the secrets the web server needs are set; commands that do not serve pages do not need them. */
export function requireWebSecrets(config: Config): void {
  if (config.sessionSecret.length < 32) {
    throw new ConfigError('LEDS_SESSION_SECRET must be set to at least 32 characters outside demo mode');
  }
}

/**
 * Fails outside demo mode unless the audit signing key is there. A key made on the spot would sign checkpoints no
 * published verifier key knows, so a lost or misplaced key file must stop LEDS rather than quietly start a new one.
 * In demo mode the key is made on first start.
 */
export function requireAuditSigningKey(config: Config): void {
  const file = config.audit.signingKeyFile;
  if (!config.demo && !existsSync(file)) {
    throw new ConfigError(
      `LEDS_AUDIT_SIGNING_KEY_FILE must name an Ed25519 key outside demo mode: \`${file}\` does not exist ` +
        `(make one with \`openssl genpkey -algorithm ed25519 -out ${file}\`)`,
    );
  }
}
