import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createScratchPostgres, testDatabaseKind } from './support/database.ts';
import { ndjson, personChain } from './support/records.ts';
import { testSigningKeyFile } from './support/signing-key.ts';

const leds = path.resolve(import.meta.dirname, '..', 'bin', 'leds.js');
let folder: string;
let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
let env: NodeJS.ProcessEnv;
const run = (...args: string[]) => spawnSync(process.execPath, [leds, ...args], { env, encoding: 'utf8', input: '' });

before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'leds-cli-'));
  scratch = await createScratchPostgres();
  env = {
    ...process.env,
    LEDS_DATA_DIR: path.join(folder, 'data'),
    LEDS_AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(),
    DATABASE_URL: scratch?.url ?? '',
  };
});
after(async () => {
  await scratch?.drop();
  await rm(folder, { recursive: true, force: true });
});

describe(`the leds command on ${testDatabaseKind}`, () => {
  it('seeds a synthetic population and reports the rate', () => {
    const result = run('seed', '--people', '40');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /seeded 40 people \(\d+ rows, \d+ custody images\) in [\d.]+ s: \d+ people\/s/);
  });

  it('imports an NDJSON file, reports rejected lines with field and exits 2, and stores the good lines once', async () => {
    const file = path.join(folder, 'batch.ndjson');
    const chain = personChain(300);
    await writeFile(
      file,
      [
        ...ndjson(chain.records),
        '{"kind":"marker","sourceRecordId":"M-bad","person":{"pncId":"2004/0123456C"},"markerType":"WARNING_SIGNAL","code":"VI","description":"Violent","reviewDue":"2027-01-01"}',
      ].join('\n'),
    );
    const first = run('import', file, '--organisation', 'MPS', '--source-system', 'MPS-CUSTODY');
    assert.equal(first.status, 2, first.stderr);
    assert.match(
      first.stdout,
      new RegExp(
        `${chain.records.length + 1} lines, ${chain.records.length} created, 0 updated, 0 unchanged, 1 rejected`,
      ),
    );
    assert.match(first.stdout, /line 11: \/person\/pncId check character `C` is wrong/);
    const again = run('import', file, '--organisation', 'MPS', '--source-system', 'MPS-CUSTODY');
    assert.match(again.stdout, new RegExp(`0 created, 0 updated, ${chain.records.length} unchanged, 1 rejected`));
  });

  it('fails with a clear message and a non-zero exit for bad arguments', () => {
    const unknownOrganisation = run(
      'import',
      path.join(folder, 'batch.ndjson'),
      '--organisation',
      'NOPE',
      '--source-system',
      'X-Y',
    );
    assert.equal(unknownOrganisation.status, 1);
    assert.match(unknownOrganisation.stderr, /no organisation `NOPE`/);
    const missingFile = run(
      'import',
      path.join(folder, 'missing.ndjson'),
      '--organisation',
      'MPS',
      '--source-system',
      'X-Y',
    );
    assert.equal(missingFile.status, 1);
    assert.match(missingFile.stderr, /ENOENT|no such file/);
    const badNumber = run('seed', '--people', 'many');
    assert.notEqual(badNumber.status, 0);
    assert.match(badNumber.stderr, /must be a whole number/);
  });

  it('adds an agreement from a file, names bad fields, and suspends it', async () => {
    const file = path.join(folder, 'agreement.json');
    const agreement = {
      organisationCode: 'MPS',
      reference: 'DSA-MPS-CLI',
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      reviewDue: '2026-07-01',
      grants: [{ dataset: 'NOMINAL_IDENTITY', operations: ['read'], purposes: ['INVESTIGATION'] }],
    };
    await writeFile(file, JSON.stringify(agreement));
    const added = run('agreement', 'add', file);
    assert.equal(added.status, 0, added.stderr);
    assert.match(
      run('agreement', 'list').stdout,
      /DSA-MPS-CLI\tACTIVE\tMetropolitan Police Service\tNOMINAL_IDENTITY\tread\tINVESTIGATION/,
    );
    await writeFile(
      file,
      JSON.stringify({ ...agreement, grants: [{ dataset: 'SHOE_SIZES', operations: ['read'], purposes: ['GOSSIP'] }] }),
    );
    const bad = run('agreement', 'add', file);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /grants\/0\/dataset: `SHOE_SIZES` is not a dataset/);
    assert.match(bad.stderr, /grants\/0\/purposes: `GOSSIP` is not a purpose/);
    assert.equal(run('agreement', 'status', 'DSA-MPS-CLI', 'SUSPENDED').status, 0);
    assert.match(run('agreement', 'list').stdout, /DSA-MPS-CLI\tSUSPENDED/);
  });

  it('creates organisations, users and API keys', () => {
    assert.equal(
      run('organisation', 'add', '--code', 'NEWF', '--name', 'New Force', '--kind', 'POLICE_FORCE').status,
      0,
    );
    const user = spawnSync(
      process.execPath,
      [
        leds,
        'user',
        'add',
        '--organisation',
        'NEWF',
        '--username',
        'new.user',
        '--name',
        'New User',
        '--role',
        'OFFICER',
        '--password-stdin',
      ],
      {
        env,
        encoding: 'utf8',
        input: 'a-long-enough-password\n',
      },
    );
    assert.equal(user.status, 0, user.stderr);
    const key = run('api-key', 'create', '--organisation', 'NEWF', '--name', 'rms', '--role', 'SYSTEM_INGEST');
    assert.match(key.stdout, /^leds_[A-Za-z0-9]+_[A-Za-z0-9_-]+$/m);
    const badRole = run('api-key', 'create', '--organisation', 'NEWF', '--name', 'rms', '--role', 'KING');
    assert.notEqual(badRole.status, 0);
  });
});
