import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Services } from '../composition.ts';
import type { BatchReport } from '../modules/integration/index.ts';
import { cliContext } from './cli-context.ts';
import { progressBar } from './progress.ts';

/** `leds import FILE`: the same ingest as the API, from an NDJSON file, with a progress bar. */
export async function importFile(
  services: Services,
  file: string,
  options: { organisation: string; sourceSystem: string },
  print: (line: string) => void,
): Promise<BatchReport> {
  const ctx = await cliContext(services, options.organisation, ['SYSTEM_INGEST']);
  await stat(file);
  let total = 0;
  for await (const _ of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY }))
    total += 1;
  const bar = progressBar('Importing', total);
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  const batch = await services.ingest
    .ingestBatch(ctx, options.sourceSystem, lines, (done) => bar.update(done))
    .finally(() => bar.stop());
  print(
    `batch ${batch.batchId}: ${batch.lineCount} lines, ${batch.createdCount} created, ${batch.updatedCount} updated, ${batch.unchangedCount} unchanged, ${batch.rejectedCount} rejected`,
  );
  if (batch.rejectedCount > 0) {
    const rejected = await services.ingest.batchLines(ctx, batch.batchId, {
      outcome: 'REJECTED',
      offset: 0,
      limit: 1000,
    });
    for (const line of rejected) {
      for (const problem of line.problems) print(`line ${line.lineNumber}: ${problem.field} ${problem.message}`);
    }
  }
  return batch;
}
