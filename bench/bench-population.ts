import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { seedPeople } from '../src/cli/seed.ts';
import { createServices, type Services } from '../src/composition.ts';
import { loadConfig } from '../src/config/config.ts';
import { createDemoPersonas } from '../src/demo/demo-personas.ts';
import { people } from '../src/modules/records/records.tables.ts';

/**
 * Services over the benchmark population, seeded once and kept between runs in bench/.data (not committed), or
 * in the PostgreSQL database DATABASE_URL names. Returns a sample of person ids to read.
 */
export async function benchPopulation(wanted: number): Promise<{ services: Services; held: number; ids: string[] }> {
  // One folder a database: it holds the checkpoint history, which must not be shared by two logs.
  const dataDir = path.resolve(
    import.meta.dirname,
    '.data',
    `people-${wanted}${process.env.DATABASE_URL ? `-postgres-${createHash('sha256').update(process.env.DATABASE_URL).digest('hex').slice(0, 8)}` : ''}`,
  );
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
      ((await db.execute(sql`select count(*)::int as n from people`)) as unknown as { rows: { n: number }[] }).rows[0]
        ?.n,
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
  // Organisations, personas and agreements of the demo, whatever version of LEDS seeded the population.
  await createDemoPersonas(services.access, services.agreements);
  const ids = (await db.select({ id: people.personId }).from(people).orderBy(sql`random()`).limit(2000)).map(
    (r) => r.id,
  );
  return { services, held, ids };
}

/** Runs `work` from `connections` concurrent loops for `seconds`; returns operations/s and latency percentiles. */
export async function measure(seconds: number, connections: number, work: (i: number) => Promise<unknown>) {
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

/**
 * Measures a baseline and a candidate fairly: both are warmed up first, then run in alternating rounds, so
 * caches, JIT and background work fall on both alike. Returns both, over the same total time each.
 */
export async function compare(
  seconds: number,
  connections: number,
  baseline: (i: number) => Promise<unknown>,
  candidate: (i: number) => Promise<unknown>,
  rounds = 4,
) {
  await measure(1, connections, baseline);
  await measure(1, connections, candidate);
  const runs = {
    baseline: [] as Awaited<ReturnType<typeof measure>>[],
    candidate: [] as Awaited<ReturnType<typeof measure>>[],
  };
  for (let round = 0; round < rounds; round++) {
    runs.baseline.push(await measure(seconds / rounds, connections, baseline));
    runs.candidate.push(await measure(seconds / rounds, connections, candidate));
  }
  const combine = (list: Awaited<ReturnType<typeof measure>>[]) => ({
    perSecond: list.reduce((sum, r) => sum + r.count, 0) / seconds,
    p50: list.map((r) => r.p50).sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0,
    p99: Math.max(...list.map((r) => r.p99)),
  });
  return { baseline: combine(runs.baseline), candidate: combine(runs.candidate) };
}

const benchArgs = {
  people: { type: 'string', default: process.env.BENCH_PEOPLE ?? '100000' },
  seconds: { type: 'string', default: process.env.BENCH_SECONDS ?? '10' },
  connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '8' },
} as const;

/**
 * What every benchmark starts with: its options (`--people`, `--seconds`, `--connections`, or BENCH_* variables)
 * and the population it reads.
 */
export async function startBench() {
  const values = parseArgs({ options: benchArgs, strict: false }).values as Record<string, string>;
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  return { ...(await benchPopulation(Number(values.people))), seconds, connections };
}
