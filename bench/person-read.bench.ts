// Reading a person through the API (HTTP on loopback, API key, purpose, access decision, protected view,
// response schema) against the very same prepared SQL run directly on the database, in one run.
// Usage: npm run bench [-- --people 100000 --seconds 10 --connections 8]; DATABASE_URL selects PostgreSQL.
import { buildApp } from '../src/app.ts';
import { personRecordStatement } from '../src/modules/records/person-record.query.ts';
import { measure, startBench } from './bench-population.ts';
import { httpLoad } from './http-load.ts';

const { services, held, ids, seconds, connections } = await startBench();
const { key } = await services.access.createApiKey({ organisationCode: 'MPS', name: 'bench', roles: ['SYSTEM_READ'] });

const direct = await measure(seconds, connections, (i) =>
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
