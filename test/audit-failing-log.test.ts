import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { auditCheckpoints } from '../src/modules/audit/audit.tables.ts';
import { testDatabaseKind } from './support/database.ts';
import { startTestServices, type TestServices } from './support/services.ts';
import { signedInAs } from './support/web.ts';

// Issue 14 item 4: a log that fails its check before signing gets no signature, and everyone who should know does:
// the public readiness check, the server log (test/audit-tamper.test.ts starts a server to see it) and auditors.

let services: TestServices;
let app: FastifyInstance;

before(async () => {
  services = await startTestServices();
  app = await buildApp(services, { logger: false });
  await services.access.createOrganisation({ code: 'AUDFL', name: 'Auditors (test)', kind: 'OVERSIGHT_BODY' });
});

after(async () => {
  await app.close();
  await services.close();
});

describe(`a log that fails its check, on ${testDatabaseKind}`, () => {
  it('is signed while it passes, and says so on /health/ready', async () => {
    assert.ok(await services.audit.signCheckpoint(), 'a first checkpoint');
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    assert.deepEqual(ready.json(), { status: 'ready', auditCheckpoints: 'signed' });
  });

  it('gets no signature once a stray checkpoint row is stored, and shows it on /health/ready and the auditor console', async () => {
    const before = await services.audit.latestCheckpoint();
    await services.database.db.insert(auditCheckpoints).values({
      treeSize: (before?.treeSize ?? 0) + 1000,
      rootHash: Buffer.alloc(32, 7),
      note: 'leds.local/audit\n9999\nBwcH\n\n— leds.local/audit AAAAAAAA\n',
      signedAt: new Date(),
    });
    await services.access.createOrganisation({ code: 'AUDFL2', name: 'More entries (test)', kind: 'POLICE_FORCE' });
    assert.equal(await services.audit.signCheckpoint(), undefined, 'nothing signed');
    assert.match(
      services.audit.checkpointStatus?.refused ?? '',
      /the checkpoint in the database \(row of \d+\) does not verify/,
    );
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(ready.statusCode, 200, 'the server still serves');
    assert.match(ready.json().auditCheckpoints, /^failing: the audit log failed its check/);
    assert.doesNotMatch(ready.body, /\d{3,}/, 'no size of the live log in the public answer');
    const cookie = await signedInAs(app, services, {
      organisationCode: 'AUDFL',
      username: 'failing.auditor',
      roles: ['AUDITOR'],
    });
    const page = await app.inject({ method: 'GET', url: '/audit', headers: { cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-testid="audit-log-failing"/);
    assert.match(page.body, /The audit log failed its check: no checkpoint is being signed/);
    assert.match(page.body, /does not verify/);
  });
});
