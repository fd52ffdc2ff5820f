import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildApp } from '../app.ts';
import type { Services } from '../composition.ts';
import { JobScheduler } from '../jobs/scheduler.ts';
import { isLedsError } from '../platform/errors.ts';
import { operatorContext } from '../platform/request-context.ts';
import { sweepProgressLog } from './sweep-progress-log.ts';

/** Starts the HTTP server. In demo mode an empty database is first filled with synthetic people. */
export async function serve(services: Services, print: (line: string) => void): Promise<() => Promise<void>> {
  const { config } = services;
  if (config.demo) await prepareDemo(services, print);
  const app = await buildApp(services);
  const witness =
    config.demo && config.audit.witnesses.length === 0 ? await startDemoWitness(services, print) : undefined;
  // INVARIANT: no row of any audit table stops the server from starting. An audit log that cannot be appended to
  // answers every read with 503 (no audit, no data); the failure is logged and shown, not thrown.
  try {
    await services.audit.recordPolicyVersion(services.decisions.policyVersion);
  } catch (error) {
    app.log.error({ err: error }, 'the policy version could not be audited');
  }
  // Checkpoints: one now, then every LEDS_AUDIT_CHECKPOINT_SECONDS while entries arrive, and a last one at stop.
  await services.audit.signCheckpoint();
  const status = services.audit.checkpointStatus;
  if (status?.refused) app.log.error({ problem: status.refused }, 'the audit log failed its check: nothing was signed');
  for (const problem of status?.witnessProblems ?? []) app.log.warn({ problem }, 'a witness did not cosign');
  const jobs = new JobScheduler((job, error) => app.log.error({ err: error, job }, 'job failed'));
  jobs.every('audit-checkpoint', config.audit.checkpointSeconds, async () => {
    await services.audit.signCheckpoint();
    const refused = services.audit.checkpointStatus?.refused;
    if (refused) app.log.error({ problem: refused }, 'the audit log failed its check: nothing was signed');
  });
  jobs.every('audit-vault-sweep', 24 * 3600, () =>
    services.audit.destroyExpiredVaultContent(operatorContext('JOB', 'leds:audit-vault-sweep')),
  );
  // The demo's sweep starts at once, so its desk is current from the first start. It runs in time slices with
  // pauses between (LEDS_RETENTION_SWEEP_SLICE_MS, _PAUSE_MS), so requests never queue behind it.
  jobs.every(
    'retention-sweep',
    config.retention.sweepSeconds,
    async (stop) => {
      try {
        const onProgress = sweepProgressLog(services, (counts) => app.log.info(counts, 'retention sweep running'));
        const report = await services.retention.sweep(operatorContext('JOB', 'leds:retention-sweep'), {
          stop,
          onProgress,
        });
        app.log.info({ job: 'retention-sweep', ...report, byRule: undefined }, 'retention sweep done');
      } catch (error) {
        // Another process's sweep holds the lease: this one has nothing to do.
        if (isLedsError(error) && error.code === 'RETENTION_SWEEP_RUNNING') app.log.info(error.message);
        else throw error;
      }
    },
    { now: config.demo },
  );
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  print(
    `LEDS is serving http://${config.host === '127.0.0.1' ? 'localhost' : config.host}:${port} (${services.database.kind})`,
  );
  return async () => {
    await app.close();
    await jobs.stop();
    await services.audit.signCheckpoint();
    await witness?.close();
  };
}

/**
 * Demo mode only: one witness beside the server, with its own key and state under the data folder, following
 * this log, so the demo's checkpoints are cosigned as a real deployment's are by the ICO or an inspectorate.
 */
async function startDemoWitness(services: Services, print: (line: string) => void) {
  const { buildWitnessApp } = await import('../witness-app.ts');
  const folder = path.join(services.config.dataDir, 'demo-witness');
  const { app, verifierKey } = await buildWitnessApp({
    name: 'witness.demo.leds.local',
    keyFile: path.join(folder, 'witness-key.pem'),
    stateDir: path.join(folder, 'state'),
    logKeys: [services.audit.verifierKey],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  services.audit.addWitness(url, verifierKey);
  print(`Demo witness ${verifierKey} is cosigning checkpoints at ${url}`);
  return app;
}

/**
 * Demo mode only: the demo organisations, personas and agreements, and on an empty database the synthetic people.
 * Demo code is loaded here and only here, so a server outside demo mode never loads it.
 */
async function prepareDemo(services: Services, print: (line: string) => void): Promise<void> {
  const { config } = services;
  const { createDemoPersonas, demoPersonasExist } = await import('../demo/demo-personas.ts');
  const { populationExists } = await import('../demo/population-exists.ts');
  // Demo organisations, personas and agreements are made on a demo start that lacks any of them, so a data folder
  // seeded by an earlier version of LEDS gets what this version's demo needs.
  if (!(await demoPersonasExist(services.access, services.agreements)))
    await createDemoPersonas(services.access, services.agreements);
  if (!(await populationExists(services.database.db))) {
    print(`Demo mode: seeding ${config.demoPeople} synthetic people (once; they stay in ${config.dataDir})`);
    // Loaded only to seed: the synthetic population brings faker, a third of a second of every start otherwise.
    const { seedPeople } = await import('./seed.ts');
    const seeded = await seedPeople(services, { people: config.demoPeople });
    print(`Seeded ${seeded.people} people, ${seeded.custodyImages} custody images in ${seeded.seconds.toFixed(1)} s`);
    // A running server holds the embedded database, so the demo's ingest key is made now and written down.
    const { key } = await services.access.createApiKey({
      organisationCode: 'MPS',
      name: 'MPS demo custody system',
      roles: ['SYSTEM_INGEST', 'SYSTEM_READ'],
    });
    const keyFile = path.join(config.dataDir, 'demo-api-key.txt');
    await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
    print(`Demo API key for the Metropolitan Police Service written to ${keyFile}`);
  }
}
