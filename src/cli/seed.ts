import type { Services } from '../composition.ts';
import { createDemoPersonas } from '../demo/demo-personas.ts';
import { seedSyntheticPopulation } from '../demo/synthetic-population.ts';
import { assessRetention, isDue, loadPersonFacts } from '../modules/retention/index.ts';
import { operatorContext } from '../platform/request-context.ts';
import { progressBar } from './progress.ts';

/** `leds seed --people N`: a deterministic synthetic population, with the demo organisations it belongs to. */
export async function seedPeople(
  services: Services,
  options: { people: number; seed?: number; firstSerial?: number; progress?: boolean },
): Promise<{ people: number; custodyImages: number; rows: number; seconds: number }> {
  await createDemoPersonas(services.access, services.agreements);
  const organisations = new Map((await services.access.listOrganisations()).map((o) => [o.code, o.id]));
  const started = performance.now();
  const bar = options.progress === false ? undefined : progressBar('Seeding people', options.people);
  try {
    const result = await seedSyntheticPopulation(services.database.db, services.custodyImages, organisations, {
      people: options.people,
      seed: options.seed,
      firstSerial: options.firstSerial,
      onProgress: (done) => bar?.update(done),
      // The population starts in a steady state (issue 12): nothing left that the rules would already have
      // destroyed, and every decision stored, so the first sweep has little to do.
      dueForDestruction: async (tx, personIds) => {
        const asOf = services.retention.today();
        return (await loadPersonFacts(tx, personIds))
          .flatMap((facts) => assessRetention(facts, asOf, services.config.retention))
          .filter((d) => d.action === 'DESTROY' && isDue(d, asOf) && !d.held)
          .map((d) => d.itemId);
      },
      afterChunk: async (personIds) => {
        await services.retention.reevaluate(operatorContext('CLI'), personIds);
      },
    });
    await services.auditTrail.record(operatorContext('CLI'), {
      kind: 'SYNTHETIC_POPULATION_SEEDED',
      action: 'records.seed',
      details: {
        people: result.people,
        custodyImages: result.custodyImages,
        rows: result.rows,
        seed: options.seed ?? null,
      },
    });
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    bar?.stop();
  }
}
