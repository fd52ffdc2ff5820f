import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { createLogger } from '../src/platform/logger.ts';
import { asDatabaseOwner, testDatabaseKind } from './support/database.ts';
import { startTestServices, type TestServices } from './support/services.ts';

let services: TestServices;
let app: FastifyInstance;
let readKey: string;
const logged: string[] = [];

before(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  services = await startTestServices({}, { logger: createLogger('info', sink) });
  app = await buildApp(services);
  await services.actingFor('FAILF', ['SYSTEM_READ']);
  readKey = (await services.access.createApiKey({ organisationCode: 'FAILF', name: 'read', roles: ['SYSTEM_READ'] }))
    .key;
});
after(async () => {
  await app.close();
  await services.close();
});

describe(`a query the database refuses, on ${testDatabaseKind}`, () => {
  it('answers 500 with none of the driver’s words, and logs the cause without the values', async () => {
    // The table a search reads is gone, as after a botched migration: the driver's error names it.
    await asDatabaseOwner(services.database, ['alter table people rename to people_moved_away']);
    try {
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/people?surname=Quillfeather&forename=Tamsin',
        headers: { 'x-api-key': readKey, 'x-leds-purpose': 'INVESTIGATION' },
      });
      assert.equal(response.statusCode, 500);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      const problem = response.json() as { code: string; detail: string };
      assert.equal(problem.code, 'INTERNAL_ERROR');
      assert.equal(problem.detail, 'something went wrong inside leds');
      for (const word of ['people', 'relation "', 'does not exist', 'select', 'Quillfeather', 'Tamsin'])
        assert.ok(!response.body.toLowerCase().includes(word.toLowerCase()), `the answer says ${word}`);
    } finally {
      await asDatabaseOwner(services.database, ['alter table people_moved_away rename to people']);
    }
    const failed = logged
      .map((line) => JSON.parse(line) as { msg?: string; err?: Record<string, unknown> })
      .find((line) => line.msg === 'request failed');
    assert.ok(failed?.err, 'the failure is logged with its error');
    const text = JSON.stringify(failed.err);
    assert.match(text, /does not exist/, 'the log carries the driver’s cause');
    for (const value of ['Quillfeather', 'Tamsin']) assert.ok(!text.includes(value), `the log says ${value}`);
  });
});
