import type { JWTVerifyGetKey } from 'jose';
import type { Config } from './config/config.ts';
import {
  AccessApplicationsService,
  AccessDecisions,
  AccessService,
  AgreementsService,
  PolicyEngine,
} from './modules/access/index.ts';
import { IngestService } from './modules/integration/index.ts';
import { CustodyImageStore, RecordIntake, RecordsRepository, RecordsService } from './modules/records/index.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { DatabaseHandle } from './storage/database.ts';
import { migrateDatabase, openDatabase } from './storage/open-database.ts';

/** Everything LEDS does, wired once; the API, the pages, the CLI and the tests all use these. */
export interface Services {
  config: Config;
  clock: Clock;
  database: DatabaseHandle;
  custodyImages: CustodyImageStore;
  decisions: AccessDecisions;
  agreements: AgreementsService;
  applications: AccessApplicationsService;
  access: AccessService;
  records: RecordsService;
  intake: RecordIntake;
  ingest: IngestService;
  close(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
  /** An already open (and migrated) database, shared by tests. */
  database?: DatabaseHandle;
  /** A key set for bearer tokens, used instead of fetching the configured JWKS URL. */
  jwks?: JWTVerifyGetKey;
}

/** Opens storage for the configuration: PostgreSQL when DATABASE_URL is set, otherwise PGlite in the data folder. */
export async function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return openDatabase(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir },
  );
}

/** The composition root: storage, then repositories, then services. Migrates the database it opens. */
export async function createServices(config: Config, options: ServiceOptions = {}): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const ownsDatabase = !options.database;
  const database = options.database ?? (await openConfiguredDatabase(config));
  try {
    if (ownsDatabase) await migrateDatabase(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const { db } = database;
  const custodyImages = new CustodyImageStore(config.blobDir);
  const agreements = new AgreementsService(db, clock, config);
  const decisions = new AccessDecisions(PolicyEngine.load(config.policyDir), agreements, config);
  const applications = new AccessApplicationsService(db, clock, decisions, agreements);
  const access = new AccessService(db, clock, {
    sessionHours: config.sessionHours,
    apiKeyCacheSeconds: config.apiKeyCacheSeconds,
    oidc: config.oidc,
    jwks: options.jwks,
  });
  const records = new RecordsService(new RecordsRepository(database), decisions, custodyImages, config);
  const intake = new RecordIntake(custodyImages, clock, config);
  const ingest = new IngestService(db, intake, decisions, clock, config);
  return {
    config,
    clock,
    database,
    custodyImages,
    decisions,
    agreements,
    applications,
    access,
    records,
    intake,
    ingest,
    close: async () => {
      if (ownsDatabase) await database.close();
    },
  };
}
