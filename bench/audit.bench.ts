// The cost of "no audit, no data": the same person read over HTTP with the audit trail on (entry durable before the
// response, group commit) and with it off (a trail that writes nothing, built here only), same database, same
// durability settings, alternating rounds in one run. Then `leds audit verify`'s speed over the log just written.
// Usage: npm run bench [-- --people 100000 --seconds 10 --connections 8]; DATABASE_URL selects PostgreSQL.
import { buildApp } from '../src/app.ts';
import { type AuditTrail, CheckpointVerifier, verifyAuditLog } from '../src/modules/audit/index.ts';
import { RecordsRepository, RecordsService } from '../src/modules/records/index.ts';
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

await load(baseline.url, 1);
await load(audited.url, 1);
const sizeBefore = await services.auditLog.size();
const commitsBefore = { ...services.auditLog.stats };
const rounds = 4;
const runs = { baseline: [] as Awaited<ReturnType<typeof load>>[], audited: [] as Awaited<ReturnType<typeof load>>[] };
for (let round = 0; round < rounds; round++) {
  runs.baseline.push(await load(baseline.url, seconds / rounds));
  runs.audited.push(await load(audited.url, seconds / rounds));
}
await audited.app.close();
await baseline.app.close();
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
  `\naudited person read at ${held} people on ${services.database.kind}, ${connections} concurrent, ${seconds} s each`,
);
console.table({
  'audit off (baseline)': { 'reads/s': Math.round(off.perSecond), 'p50 ms': off.p50, 'p99 ms': off.p99 },
  'audited (entry durable first)': { 'reads/s': Math.round(on.perSecond), 'p50 ms': on.p50, 'p99 ms': on.p99 },
});
console.log(
  `ratio audited / audit off: ${(on.perSecond / off.perSecond).toFixed(3)}; group commit: ${entries} entries in ${commits} commits (${(entries / Math.max(commits, 1)).toFixed(1)} a commit); log grew from ${sizeBefore} to ${await services.auditLog.size()} entries`,
);

await services.audit.signCheckpoint();
const report = await verifyAuditLog(
  services.database.db,
  new CheckpointVerifier(services.audit.verifierKey),
  services.config.audit.origin,
);
if (!report.ok) throw new Error(`verification failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
console.log(
  `leds audit verify: ${report.entries} leaves and ${report.checkpoints} checkpoints in ${report.seconds.toFixed(2)} s: ${report.leavesPerSecond.toLocaleString('en-GB')} leaves/s`,
);
await services.close();
