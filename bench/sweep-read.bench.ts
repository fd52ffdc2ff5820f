// A person read through the API while the retention sweep runs, against the same read with no sweep, in one run
// (issue 12: background work never starves requests). Goal: p95 with a sweep at most 1.5x p95 without.
// Usage: npm run bench [-- --people 5000 --seconds 10 --connections 4]; DATABASE_URL selects PostgreSQL.
import { buildApp } from '../src/app.ts';
import { operatorContext } from '../src/platform/request-context.ts';
import { startBench } from './bench-population.ts';

const goal = 1.5;
const { services, held, ids, seconds, connections } = await startBench();
const { key } = await services.access.createApiKey({ organisationCode: 'MPS', name: 'bench', roles: ['SYSTEM_READ'] });
const app = await buildApp(services, { logger: false });
const headers = { 'x-api-key': key, 'x-leds-purpose': 'INVESTIGATION' };

/** Person reads from `connections` loops for `forSeconds`; returns every latency in ms. */
async function reads(forSeconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + forSeconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        const response = await app.inject({ url: `/api/v1/people/${ids[i++ % ids.length]}`, headers });
        if (response.statusCode !== 200) throw new Error(`a person read answered ${response.statusCode}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

/** Sweeps one after another until told to stop (a sweep ends at its next safe point). */
function sweeping() {
  const stop = new AbortController();
  let sweeps = 0;
  const done = (async () => {
    while (!stop.signal.aborted) {
      await services.retention.sweep(operatorContext('JOB', 'bench'), { stop: stop.signal });
      sweeps += 1;
    }
  })();
  return {
    stopped: async () => {
      stop.abort();
      await done;
      return sweeps;
    },
  };
}

const p95 = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length * 0.95)] ?? 0;
await reads(1);
const without: number[] = [];
const during: number[] = [];
let sweeps = 0;
// Alternating rounds, so caches and the machine's other load fall on both alike.
for (let round = 0; round < 2; round++) {
  without.push(...(await reads(seconds / 2)));
  const sweep = sweeping();
  during.push(...(await reads(seconds / 2)));
  sweeps += await sweep.stopped();
}
await app.close();

const s = services.config.retention;
console.log(
  `\nperson read at ${held} people on ${services.database.kind}, ${connections} concurrent, ${seconds} s each; slice ${s.sweepSliceMs} ms, pause ${s.sweepPauseMs} ms`,
);
console.table({
  'no sweep (baseline)': { reads: without.length, 'p95 ms': p95(without).toFixed(2) },
  'sweep running': { reads: during.length, 'p95 ms': p95(during).toFixed(2), 'sweeps finished': sweeps },
});
const ratio = p95(during) / p95(without);
console.log(
  `ratio p95 with sweep / without: ${ratio.toFixed(2)}x (goal: at most ${goal}x) ${ratio <= goal ? 'met' : 'NOT met'}`,
);
await services.close();
