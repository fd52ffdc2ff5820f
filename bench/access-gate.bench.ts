// The cost of the access gate: a person read through the service with the Cedar decision and the protected
// view, against the same read with the gate off (the same prepared query, no decision, no view), in one run.
// Then Cedar decisions per second with and without the decision cache. p50 is the median of the rounds' medians,
// p99 the worst round's.
import { AccessDecisions, PolicyEngine } from '../src/modules/access/index.ts';
import { RecordsRepository } from '../src/modules/records/index.ts';
import type { RequestContext } from '../src/platform/request-context.ts';
import { compare, startBench } from './bench-population.ts';

const { services, held, ids, seconds, connections } = await startBench();
const mps = await services.access.findOrganisation('MPS');
if (!mps) throw new Error('the MPS organisation is missing');
const ctx: RequestContext = {
  actor: { kind: 'system', id: 'bench', name: 'bench' },
  organisation: { id: mps.id, code: mps.code, kind: mps.kind },
  roles: ['SYSTEM_READ'],
  purpose: 'INVESTIGATION',
  caseReference: undefined,
  correlationId: 'bench',
};
const repository = new RecordsRepository(services.database);
const { baseline: ungated, candidate: gated } = await compare(
  seconds,
  connections,
  (i) => repository.loadPersonRecord(ids[i % ids.length] as string),
  (i) => services.records.viewPerson(ctx, ids[i % ids.length] as string),
);

const decisionsPerSecond = async (cache: boolean) => {
  const decisions = new AccessDecisions(PolicyEngine.load(services.config.policyDir), services.agreements, {
    ...services.config,
    decisionCache: cache,
  });
  const before = { ...decisions.stats };
  const end = performance.now() + Math.min(seconds, 5) * 1000;
  while (performance.now() < end) {
    await decisions.decide(ctx, 'person.view');
    await decisions.viewFor(ctx);
  }
  const asked = decisions.stats.decisions - before.decisions;
  return { perSecond: asked / Math.min(seconds, 5), hitRate: (decisions.stats.cacheHits - before.cacheHits) / asked };
};
const uncached = await decisionsPerSecond(false);
const cached = await decisionsPerSecond(true);

console.log(
  `\naccess gate at ${held} people on ${services.database.kind}, ${connections} concurrent, ${seconds} s each`,
);
console.table({
  'read, gate off (baseline)': {
    'reads/s': Math.round(ungated.perSecond),
    'p50 ms': ungated.p50.toFixed(2),
    'p99 ms': ungated.p99.toFixed(2),
  },
  'read, gate on': {
    'reads/s': Math.round(gated.perSecond),
    'p50 ms': gated.p50.toFixed(2),
    'p99 ms': gated.p99.toFixed(2),
  },
});
console.log(
  `ratio gated / ungated: ${(gated.perSecond / ungated.perSecond).toFixed(3)} (the gate costs ${((1 - gated.perSecond / ungated.perSecond) * 100).toFixed(1)}%)`,
);
console.table({
  'Cedar, no cache': { 'decisions/s': Math.round(uncached.perSecond) },
  'Cedar, cached': { 'decisions/s': Math.round(cached.perSecond), 'cache hit rate': cached.hitRate.toFixed(4) },
});
await services.close();
