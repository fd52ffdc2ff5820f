import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { seedPeople } from '../src/cli/seed.ts';
import { describeSweep, type SweepProgressView } from '../src/modules/retention/sweep-progress.ts';
import { queryRows } from '../src/storage/database.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { startTestServices, type TestServices } from './support/services.ts';

let services: TestServices;
before(async () => {
  services = await startTestServices();
  await seedPeople(services, { people: 40, progress: false });
});
after(() => services.close());

describe('the retention sweep leaves time to requests (issue 12)', () => {
  it('starts the demo population in a steady state: its first sweep destroys nothing and changes no decision', async () => {
    const by = await services.actingFor('RET01', ['SYSTEM_INGEST']);
    const report = await services.retention.sweep(by);
    assert.ok(report.people >= 40);
    assert.equal(report.destroyed, 0);
    assert.equal(report.changed, 0);
  });

  it('pauses after each slice that used its budget, a request made in a pause completes before the sweep ends, and progress is reported', async () => {
    const by = await services.actingFor('RET02', ['SYSTEM_INGEST']);
    const { sweepSliceMs } = services.config.retention;
    let batches = 0;
    let ended = false;
    const seen: SweepProgressView[] = [];
    const requests: Promise<boolean>[] = [];
    const report = await services.retention.sweep(by, {
      batchSize: 10,
      // Each batch takes longer than a slice by the test's clock.
      onProgress: () => {
        batches += 1;
        services.clock.set(new Date(services.clock.now().getTime() + sweepSliceMs + 1));
      },
      pause: async () => {
        seen.push(services.retention.sweepProgress.view());
        requests.push(
          queryRows(services.database.db, sql`SELECT count(*)::int AS n FROM retention_decisions`).then(() => !ended),
        );
      },
    });
    ended = true;
    assert.ok(batches >= 4);
    assert.equal(seen.length, batches, 'one pause after every batch');
    assert.deepEqual(await Promise.all(requests), Array(batches).fill(true), 'every request finished inside the sweep');
    const running = seen.map((v) => v.running);
    assert.ok(running.every((r) => r && r.total >= 40 && r.people <= r.total));
    assert.deepEqual(
      running.map((r) => r?.people),
      running.map((_, i) => Math.min(10 * (i + 1), report.people)),
    );
    const last = services.retention.sweepProgress.view();
    assert.equal(last.running, undefined);
    assert.equal(last.last?.people, report.people);
    assert.match(describeSweep(last) ?? '', /^Last retention sweep ended .*: [\d,]+ people, 0 decisions changed/);
    assert.match(describeSweep(seen[0] as SweepProgressView) ?? '', /^Retention sweep running: 10 of [\d,]+ people/);
  });
});

describe('the audit log this file wrote', () => {
  it('verifies after every deletion above', async () => {
    await assertAuditLogVerifies(services);
  });
});
