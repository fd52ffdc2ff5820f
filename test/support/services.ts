import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import { createServices, type Services } from '../../src/composition.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { policeForceGrants } from '../../src/demo/demo-personas.ts';
import type { AgreementGrantInput } from '../../src/modules/access/index.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import type { RequestContext, Role } from '../../src/platform/request-context.ts';
import { queryRows } from '../../src/storage/database.ts';
import { openTestDatabase } from './database.ts';

export interface TestServices extends Services {
  clock: ReturnType<typeof fixedClock>;
  folder: string;
  /** Makes an organisation and returns a request context acting for it with these roles. */
  actingFor(organisationCode: string, roles: Role[], purpose?: string): Promise<RequestContext>;
}

/** Gives an organisation a police force's agreement (every dataset for policing purposes, and push). */
export async function givePoliceAgreement(services: Services, organisationCode: string): Promise<void> {
  await services.agreements.createAgreement({
    organisationCode,
    reference: `DSA-${organisationCode}-TEST`,
    validFrom: '2020-01-01',
    validTo: '2030-12-31',
    reviewDue: '2027-01-01',
    grants: policeForceGrants(),
  });
}

/** Services over a shared test database, a temporary blob folder and a fixed clock. */
export async function startTestServices(
  overrides: Partial<Config> = {},
  options: { jwks?: JWTVerifyGetKey; logger?: Logger } = {},
): Promise<TestServices> {
  const folder = await mkdtemp(path.join(tmpdir(), 'leds-test-'));
  const config = loadConfig(
    {},
    {
      dataDir: folder,
      blobDir: path.join(folder, 'blobs'),
      sessionSecret: 'test-session-secret-of-at-least-32-characters',
      logLevel: 'silent',
      // The suites sign in and apply many times from one address; the rate-limit tests set their own low limits.
      rateLimit: { windowMinutes: 15, signInPerWindow: 100_000, publicFormPerWindow: 100_000 },
      ...overrides,
    },
  );
  const database = await openTestDatabase();
  const clock = fixedClock('2026-11-01T12:00:00Z');
  const services = await createServices(config, { database, clock, jwks: options.jwks, logger: options.logger });
  const actingFor = async (organisationCode: string, roles: Role[], purpose?: string): Promise<RequestContext> => {
    const organisation = await services.access.createOrganisation({
      code: organisationCode,
      name: `${organisationCode} (test)`,
      kind: organisationCode.startsWith('AGENCY') ? 'NON_POLICE_AGENCY' : 'POLICE_FORCE',
    });
    await givePoliceAgreement(services, organisationCode);
    return {
      actor: { kind: 'system', id: `test-${organisationCode}`, name: `test ${organisationCode}` },
      organisation: { id: organisation.id, code: organisation.code, kind: organisation.kind },
      roles,
      purpose,
      caseReference: undefined,
      correlationId: `test-${Date.now()}`,
    };
  };
  return {
    ...services,
    clock,
    folder,
    actingFor,
    close: async () => {
      await services.close();
      await database.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/**
 * An organisation with one agreement in force through 2026 (a police force's, or these grants) and an API key with
 * these roles; returns the key.
 */
export async function organisationWithKey(
  services: Services,
  code: string,
  kind: 'POLICE_FORCE' | 'NON_POLICE_AGENCY',
  grants: AgreementGrantInput[] | 'police',
  roles: readonly string[],
): Promise<string> {
  await services.access.createOrganisation({ code, name: `${code} (test)`, kind });
  if (grants === 'police') await givePoliceAgreement(services, code);
  else
    await services.agreements.createAgreement({
      organisationCode: code,
      reference: `DSA-${code}`,
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      reviewDue: '2026-06-30',
      grants,
    });
  return (await services.access.createApiKey({ organisationCode: code, name: `${code} system`, roles: [...roles] }))
    .key;
}

/** The LEDS id of the record a source system sent under this source record id. */
export async function recordIdOf(services: Services, sourceRecordId: string): Promise<string> {
  const [row] = await queryRows<{ record_id: string }>(
    services.database.db,
    sql`SELECT record_id FROM source_records WHERE source_record_id = ${sourceRecordId}`,
  );
  if (!row) throw new Error(`no record ${sourceRecordId}`);
  return row.record_id;
}
