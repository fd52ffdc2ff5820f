// Reading a person through the API (HTTP on loopback, API key, purpose, access decision, response schema)
// against the very same SQL run directly on the database, in one run, at the same concurrency.
// Usage: npm run bench [-- --people 100000 --seconds 10 --connections 8]; DATABASE_URL selects PostgreSQL.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.ts';
import { seedPeople } from '../src/cli/seed.ts';
import { createServices } from '../src/composition.ts';
import { loadConfig } from '../src/config/config.ts';
import { personRecordStatement } from '../src/modules/records/person-record.query.ts';
import { people } from '../src/modules/records/records.tables.ts';
import { httpLoad } from './http-load.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: process.env.BENCH_PEOPLE ?? '100000' },
    seconds: { type: 'string', default: process.env.BENCH_SECONDS ?? '10' },
    connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '8' },
  },
});
const wanted = Number(values.people);
const seconds = Number(values.seconds);
const connections = Number(values.connections);

// The bench keeps its population between runs (bench/.data, not committed): seeding is measured once.
const dataDir = path.resolve(import.meta.dirname, '.data', `people-${wanted}`);
mkdirSync(dataDir, { recursive: true });
const services = await createServices(
  loadConfig(process.env, {
    dataDir,
    blobDir: path.join(dataDir, 'blobs'),
    sessionSecret: 'bench-session-secret-of-32-characters!',
    logLevel: 'silent',
  }),
);
const { db } = services.database;
const count = async () =>
  Number(
    ((await db.execute(sql`select count(*)::int as n from people`)) as unknown as { rows: { n: number }[] }).rows[0]?.n,
  );
let held = await count();
if (held < wanted) {
  console.log(`seeding ${wanted - held} people on ${services.database.kind}...`);
  const seeded = await seedPeople(services, { people: wanted - held, firstSerial: held + 1 });
  console.log(
    `seeded ${seeded.people} people, ${seeded.rows} rows, ${seeded.custodyImages} custody images in ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.people / seeded.seconds)} people/s)`,
  );
  held = await count();
}
const ids = (await db.select({ id: people.personId }).from(people).orderBy(sql`random()`).limit(2000)).map((r) => r.id);
const { key } = await services.access.createApiKey({ organisationCode: 'MPS', name: 'bench', roles: ['SYSTEM_READ'] });

/** Runs `work` from `connections` concurrent loops for the given time; returns operations/s and latency percentiles. */
async function measureDirect(work: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        await work(i++);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), count: latencies.length };
}

const direct = await measureDirect((i) =>
  services.database.queryPrepared(personRecordStatement, ids[i % ids.length] as string),
);

const app = await buildApp(services, { logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
const api = await httpLoad({
  url: `http://127.0.0.1:${port}`,
  paths: ids.map((id) => `/api/v1/people/${id}`),
  headers: { 'x-api-key': key, 'x-leds-purpose': 'INVESTIGATION' },
  connections,
  seconds,
});
await app.close();
if (api.non2xx > 0) throw new Error(`${api.non2xx} API reads did not answer 2xx`);

const apiPerSecond = api.requests.average;
console.log(
  `\nperson read at ${held} people on ${services.database.kind}, ${connections} concurrent, ${seconds} s each`,
);
console.table({
  'direct SQL (baseline)': {
    'reads/s': Math.round(direct.perSecond),
    'p50 ms': direct.p50.toFixed(2),
    'p99 ms': direct.p99.toFixed(2),
  },
  'API over HTTP': {
    'reads/s': Math.round(apiPerSecond),
    'p50 ms': api.latency.p50.toFixed(2),
    'p99 ms': api.latency.p99.toFixed(2),
  },
});
console.log(
  `ratio API / direct: ${(apiPerSecond / direct.perSecond).toFixed(3)} (API costs ${((1 - apiPerSecond / direct.perSecond) * 100).toFixed(1)}% of throughput)`,
);
await services.close();
