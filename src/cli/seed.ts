import type { Services } from '../composition.ts';
import { createDemoPersonas } from '../demo/demo-personas.ts';
import { seedSyntheticPopulation } from '../demo/synthetic-population.ts';
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
