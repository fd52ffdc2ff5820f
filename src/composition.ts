import type { JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import {
  AccessApplicationsService,
  AccessDecisions,
  AccessService,
  AgreementsService,
  ApiKeysService,
  PolicyEngine,
  UserAccountsService,
} from './modules/access/index.ts';
import { AuditLog, AuditService, AuditTrail, CheckpointSigner, VaultKeyFile } from './modules/audit/index.ts';
import { IngestService } from './modules/integration/index.ts';
import { OversightService } from './modules/oversight/index.ts';
import {
  CustodyImageStore,
  HeldRecordsService,
  RecordIntake,
  RecordsRepository,
  RecordsService,
} from './modules/records/index.ts';
import { RetentionRuleSet, RetentionService } from './modules/retention/index.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import { createLogger } from './platform/logger.ts';
import { operatorContext } from './platform/request-context.ts';
import type { DatabaseHandle } from './storage/database.ts';
import { migrateDatabase, openDatabase } from './storage/open-database.ts';
import { scrubDeletedRows } from './storage/scrub-deleted-rows.ts';

/** Everything LEDS does, wired once; the API, the pages, the CLI and the tests all use these. */
export interface Services {
  config: Config;
  clock: Clock;
  /** The process's one logger (the HTTP server's too), redacted: it never carries query or record values. */
  logger: Logger;
  database: DatabaseHandle;
  /** Appends to the audit log; every service that reads or changes data writes through it. */
  auditTrail: AuditTrail;
  /** The audit log's own use cases: checkpoints, public proofs and figures, the vault's retention. */
  audit: AuditService;
  /** The auditor console: audit cases, searches of the log, usage patterns, legal holds. */
  oversight: OversightService;
  auditLog: AuditLog;
  custodyImages: CustodyImageStore;
  decisions: AccessDecisions;
  agreements: AgreementsService;
  applications: AccessApplicationsService;
  access: AccessService;
  /** An organisation's API keys: list, revoke, rotate. */
  apiKeys: ApiKeysService;
  /** An organisation's user accounts: list, disable, enable. */
  userAccounts: UserAccountsService;
  records: RecordsService;
  intake: RecordIntake;
  /** Pushed records waiting to be linked to a person the pusher may not see (docs/access.md, ingest replies). */
  heldRecords: HeldRecordsService;
  ingest: IngestService;
  retention: RetentionService;
  close(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
  /** An already open (and migrated) database, shared by tests. */
  database?: DatabaseHandle;
  /** A key set for bearer tokens, used instead of fetching the configured JWKS URL. */
  jwks?: JWTVerifyGetKey;
  /** A logger to use instead of one writing to standard output (tests read what is logged). */
  logger?: Logger;
}

/** Opens storage for the configuration: PostgreSQL when DATABASE_URL is set, otherwise PGlite in the data folder. */
export async function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return openDatabase(
    config.databaseUrl
      ? { kind: 'postgres', url: config.databaseUrl, role: config.databaseRole }
      : { kind: 'pglite', dataDir: config.dataDir, lockStaleMs: config.dataLockStaleSeconds * 1000 },
  );
}

/** The configured database, migrated; closed again if the migrations fail. */
async function openMigratedDatabase(config: Config): Promise<DatabaseHandle> {
  const database = await openConfiguredDatabase(config);
  try {
    await migrateDatabase(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** The composition root: storage, then repositories, then services. Migrates the database it opens. */
export async function createServices(config: Config, options: ServiceOptions = {}): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const ownsDatabase = !options.database;
  const database = options.database ?? (await openMigratedDatabase(config));
  const { db } = database;
  const custodyImages = new CustodyImageStore(config.blobDir);
  const vaultKeys = VaultKeyFile.open(config.audit.vaultKeyFile);
  const auditLog = new AuditLog(db, { ...config.audit, vaultKeys, statements: database });
  const auditTrail = new AuditTrail(auditLog, clock);
  const agreements = new AgreementsService(db, clock, auditTrail, config);
  const decisions = new AccessDecisions(PolicyEngine.load(config.policyDir), agreements, config);
  const { signer } = CheckpointSigner.fromFile(config.audit.origin, config.audit.signingKeyFile);
  const scrub = (tables: string[]) => scrubDeletedRows(database, tables, config.retention.scrubAfterDeletion);
  const audit = new AuditService(db, auditLog, auditTrail, signer, clock, config.audit, scrub);
  await audit.wrapClearVaultKeys();
  const retentionRules = RetentionRuleSet.load(config.retention.rulesFile);
  const oversight = new OversightService(db, auditLog, auditTrail, decisions, clock, config.audit, retentionRules);
  const applications = new AccessApplicationsService(db, clock, decisions, agreements, auditTrail);
  const access = new AccessService(db, clock, auditTrail, {
    sessionHours: config.sessionHours,
    apiKeyCacheSeconds: config.apiKeyCacheSeconds,
    oidc: config.oidc,
    jwks: options.jwks,
  });
  const apiKeys = new ApiKeysService(db, clock, decisions, auditTrail, access, config);
  const userAccounts = new UserAccountsService(db, decisions, auditTrail);
  const records = new RecordsService(new RecordsRepository(database), decisions, auditTrail, custodyImages, config);
  const intake = new RecordIntake(custodyImages, clock, config);
  const retention = new RetentionService(
    db,
    auditTrail,
    decisions,
    intake,
    clock,
    config.retention,
    retentionRules,
    scrub,
  );
  // A fact arriving by ingest (a disposal, a conviction) re-decides its person at once: nobody presses a button.
  const reevaluate = (personIds: string[]) => retention.reevaluate(operatorContext('JOB', 'leds:retention'), personIds);
  const heldRecords = new HeldRecordsService(
    db,
    decisions,
    auditTrail,
    intake,
    records,
    clock,
    async (id) => (await access.listOrganisations()).find((o) => o.id === id),
    reevaluate,
  );
  const ingest = new IngestService(db, intake, records, decisions, auditTrail, clock, config, reevaluate, logger);
  return {
    config,
    clock,
    logger,
    database,
    auditTrail,
    audit,
    oversight,
    auditLog,
    custodyImages,
    decisions,
    agreements,
    applications,
    access,
    apiKeys,
    userAccounts,
    records,
    intake,
    heldRecords,
    ingest,
    retention,
    close: async () => {
      if (ownsDatabase) await database.close();
    },
  };
}
