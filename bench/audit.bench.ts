// The cost of "no audit, no data": the same person read over HTTP with the audit trail on (entry durable before the
// response, group commit) and with it off (a trail that writes nothing, built here only), same database, same
// durability settings, alternating rounds in one run. Then `leds audit verify`'s speed over the log just written.
// Usage: npm run bench [-- --people 100000 --seconds 10 --connections 8]; DATABASE_URL selects PostgreSQL.

import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.ts';
import { type AuditTrail, CheckpointVerifier, verifyAuditLog } from '../src/modules/audit/index.ts';
import { leafHash } from '../src/modules/audit/merkle.ts';
import { RecordsRepository, RecordsService } from '../src/modules/records/index.ts';
import { queryRows } from '../src/storage/database.ts';
import { startBench } from './bench-population.ts';
import { httpLoad } from './http-load.ts';

const { services, held, ids, seconds, connections } = await startBench();
const { key } = await services.access.createApiKey({ organisationCode: 'MPS', name: 'bench', roles: ['SYSTEM_READ'] });

// BENCH ONLY: the unaudited baseline. LEDS itself has no switch that turns the audit trail off.
const noTrail = { record: async () => -1, recordWithin: async () => [] } as unknown as AuditTrail;
const unaudited = {
  ...services,
  records: new RecordsService(
    new RecordsRepository(services.database),
    services.decisions,
    noTrail,
    services.custodyImages,
    services.config,
  ),
};

const listen = async (s: typeof services) => {
  const app = await buildApp(s, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
};
const audited = await listen(services);
const baseline = await listen(unaudited);
const load = (url: string, duration: number) =>
  httpLoad({
    url,
    paths: ids.map((id) => `/api/v1/people/${id}`),
    headers: { 'x-api-key': key, 'x-leds-purpose': 'INVESTIGATION' },
    connections,
    seconds: duration,
  });

/** Alternating rounds of the two servers at `concurrent` connections: the audited read's share of the unaudited. */
async function ratioAt(concurrent: number) {
  const loadAt = (url: string, duration: number) =>
    httpLoad({
      url,
      paths: ids.map((id) => `/api/v1/people/${id}`),
      headers: { 'x-api-key': key, 'x-leds-purpose': 'INVESTIGATION' },
      connections: concurrent,
      seconds: duration,
    });
  await loadAt(baseline.url, 1);
  await loadAt(audited.url, 1);
  const commitsBefore = { ...services.auditLog.stats };
  const rounds = 4;
  const runs = {
    baseline: [] as Awaited<ReturnType<typeof load>>[],
    audited: [] as Awaited<ReturnType<typeof load>>[],
  };
  for (let round = 0; round < rounds; round++) {
    runs.baseline.push(await loadAt(baseline.url, seconds / rounds));
    runs.audited.push(await loadAt(audited.url, seconds / rounds));
  }
  for (const run of [...runs.baseline, ...runs.audited])
    if (run.non2xx > 0) throw new Error(`${run.non2xx} reads did not answer 2xx`);
  const summarise = (list: Awaited<ReturnType<typeof load>>[]) => ({
    perSecond: list.reduce((sum, r) => sum + r.requests.total, 0) / seconds,
    p50: list.map((r) => r.latency.p50).sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0,
    p99: Math.max(...list.map((r) => r.latency.p99)),
  });
  const off = summarise(runs.baseline);
  const on = summarise(runs.audited);
  const entries = services.auditLog.stats.entries - commitsBefore.entries;
  const commits = services.auditLog.stats.commits - commitsBefore.commits;
  console.log(
    `\naudited person read at ${held} people on ${services.database.kind}, ${concurrent} concurrent, ${seconds} s each`,
  );
  console.table({
    'audit off (baseline)': { 'reads/s': Math.round(off.perSecond), 'p50 ms': off.p50, 'p99 ms': off.p99 },
    'audited (entry durable first)': { 'reads/s': Math.round(on.perSecond), 'p50 ms': on.p50, 'p99 ms': on.p99 },
  });
  const goal = concurrent >= 32 ? 0.9 : 0.8;
  console.log(
    `ratio audited / audit off at ${concurrent} connections: ${(on.perSecond / off.perSecond).toFixed(3)} (goal: at least ${goal}); group commit: ${entries} entries in ${commits} commits (${(entries / Math.max(commits, 1)).toFixed(1)} a commit)`,
  );
}

// The two points (8 and 32 connections) unless --connections names one.
const explicit = process.argv.includes('--connections') || process.env.BENCH_CONNECTIONS;
for (const concurrent of explicit ? [connections] : [8, 32]) await ratioAt(concurrent);
await audited.app.close();
await baseline.app.close();

// Verification at scale: the log is filled to --verify-entries (default 1,000,000) with entries like a read's,
// then verified; beside it, the raw SHA-256 rate of hashing the same leaves in memory, measured in the same run.
const verifyEntries = Number(
  process.argv[process.argv.indexOf('--verify-entries') + 1] ?? process.env.BENCH_VERIFY_ENTRIES ?? 1_000_000,
);
await fillLog(verifyEntries);
await services.audit.signCheckpoint();
const report = await verifyAuditLog(
  services.database.db,
  new CheckpointVerifier(services.audit.verifierKey),
  services.config.audit.origin,
);
if (!report.ok) throw new Error(`verification failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
const raw = await rawLeafHashRate();
console.log(
  `leds audit verify: ${report.entries} leaves and ${report.checkpoints} checkpoints in ${report.seconds.toFixed(2)} s: ${report.leavesPerSecond.toLocaleString('en-GB')} leaves/s`,
);
console.log(
  `raw SHA-256 of the same leaves: ${Math.round(raw).toLocaleString('en-GB')} leaves/s; ratio verify / raw: ${(report.leavesPerSecond / raw).toFixed(3)} (goal: at least 0.5 at 1,000,000 entries)`,
);

/** Appends synthetic read entries, 5,000 a transaction, until the log holds `size`. */
async function fillLog(size: number) {
  const started = performance.now();
  let have = await services.auditLog.size();
  const body = (i: number) => ({
    v: 1 as const,
    salt: `bench-${i}`,
    recordedAt: new Date().toISOString(),
    kind: 'PERSON_VIEWED' as const,
    action: 'person.view',
    outcome: 'ALLOWED' as const,
    actor: { kind: 'system' as const, id: 'bench', name: 'bench' },
    organisation: null,
    purpose: 'INVESTIGATION',
    caseReference: null,
    channel: 'API' as const,
    correlationId: `bench-fill-${i}`,
    subjects: [ids[i % ids.length] as string],
    reasons: ['police-force-read'],
    details: {},
    shown: null,
  });
  while (have < size) {
    const n = Math.min(5_000, size - have);
    const from = have;
    await services.database.db.transaction(async (tx) =>
      services.auditLog.appendWithin(
        tx as never,
        Array.from({ length: n }, (_, k) => ({ body: body(from + k) })),
      ),
    );
    have += n;
    if (have % 100_000 < n) process.stdout.write(`  filled ${have.toLocaleString('en-GB')} entries\r`);
  }
  console.log(
    `\nthe log holds ${have.toLocaleString('en-GB')} entries (filled in ${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}

/** Leaves a second for SHA-256 of the stored entries, read chunk by chunk, timing only the hashing. */
async function rawLeafHashRate(): Promise<number> {
  const size = await services.auditLog.size();
  let hashing = 0;
  for (let start = 0; start < size; start += 16_384) {
    const rows = await queryRows<{ entry: string }>(
      services.database.db,
      sql`select entry from audit_entries where seq >= ${start} and seq < ${start + 16_384}`,
    );
    const t = performance.now();
    for (const row of rows) leafHash(row.entry);
    hashing += performance.now() - t;
  }
  return size / (hashing / 1000);
}
await services.close();
