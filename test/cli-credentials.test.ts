import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { createServices } from '../src/composition.ts';
import { loadConfig } from '../src/config/config.ts';
import { auditEntries } from '../src/modules/audit/audit.tables.ts';
import type { AuditEntryBody } from '../src/modules/audit/index.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { createScratchPostgres, testDatabaseKind } from './support/database.ts';
import { testSigningKeyFile } from './support/signing-key.ts';

const leds = path.resolve(import.meta.dirname, '..', 'bin', 'leds.js');
let folder: string;
let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
let env: NodeJS.ProcessEnv;
const run = (...args: string[]) => spawnSync(process.execPath, [leds, ...args], { env, encoding: 'utf8', input: '' });
const runWith = (extra: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, [leds, ...args], { env: { ...env, ...extra }, encoding: 'utf8', input: '' });
const keyPattern = /^leds_[A-Za-z0-9]+_[A-Za-z0-9_-]+$/m;

/** A command that must fail: exit 1 and one line on standard error. */
function refused(result: ReturnType<typeof run>, message: RegExp) {
  assert.equal(result.status, 1, result.stdout);
  assert.match(result.stderr, message);
  assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
}

/** The line `leds api-key list` prints for a key, split into its columns. */
function listed(output: string, id: string): string[] {
  const line = output.split('\n').find((l) => l.startsWith(`${id}\t`));
  assert.ok(line, `key ${id} is listed`);
  return line.split('\t');
}

/** Services over the database the commands used, at a chosen moment; closed after, so the next command may open it. */
async function atMoment<T>(at: Date, check: (services: Awaited<ReturnType<typeof createServices>>) => Promise<T>) {
  const config = loadConfig(env, { logLevel: 'silent' });
  const services = await createServices(config, { clock: fixedClock(at) });
  try {
    return await check(services);
  } finally {
    await services.close();
  }
}

const created = { keyA: { id: '', key: '' }, keyB: { id: '', key: '' } };

before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'leds-cli-credentials-'));
  scratch = await createScratchPostgres();
  env = {
    ...process.env,
    LEDS_DATA_DIR: path.join(folder, 'data'),
    LEDS_AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(),
    DATABASE_URL: scratch?.url ?? '',
  };
  // What `leds organisation add` and `leds api-key create` make (test/cli.test.ts runs those), made in one start.
  await atMoment(new Date('2026-11-01T12:00:00Z'), async ({ access }) => {
    for (const [code, slot] of [
      ['CLIA', 'keyA'],
      ['CLIB', 'keyB'],
    ] as const) {
      await access.createOrganisation({ code, name: `${code} Force`, kind: 'POLICE_FORCE' });
      created[slot] = await access.createApiKey({
        organisationCode: code,
        name: `${code} custody`,
        roles: ['SYSTEM_INGEST'],
      });
    }
  });
});
after(async () => {
  await scratch?.drop();
  await rm(folder, { recursive: true, force: true });
});

describe(`leds api-key and leds user on ${testDatabaseKind}`, () => {
  it("lists an organisation's keys with their state and never a secret", () => {
    const own = run('api-key', 'list', '--organisation', 'CLIA');
    assert.equal(own.status, 0, own.stderr);
    const [id, organisation, name, prefix, roles, createdAt, state] = listed(own.stdout, created.keyA.id);
    assert.deepEqual(
      [id, organisation, name, prefix, roles, state],
      [created.keyA.id, 'CLIA', 'CLIA custody', created.keyA.key.split('_')[1], 'SYSTEM_INGEST', 'active'],
    );
    assert.ok(!Number.isNaN(Date.parse(createdAt as string)));
    assert.ok(!own.stdout.includes(created.keyA.key), 'no secret');
    assert.ok(!own.stdout.includes(created.keyB.id), "no other organisation's key");
    const every = run('api-key', 'list');
    listed(every.stdout, created.keyA.id);
    listed(every.stdout, created.keyB.id);
    assert.doesNotMatch(every.stdout, /leds_/);
  });

  it('rotates with an overlap, rotates with none, revokes by prefix, and each key stops when it should', async () => {
    const overlap = run('api-key', 'rotate', created.keyA.id, '--overlap-hours', '2');
    assert.equal(overlap.status, 0, overlap.stderr);
    const until = /works until (\S+) \(2 h\)/.exec(overlap.stdout)?.[1] as string;
    const second = {
      id: /api key ([0-9a-f-]{36}) \(CLIA CLIA custody\) created; the key is shown once/.exec(overlap.stdout)?.[1],
      key: keyPattern.exec(overlap.stdout)?.[0] as string,
    };
    assert.ok(until && second.id && second.key, overlap.stdout);
    const immediate = run('api-key', 'rotate', second.id, '--overlap-hours', '0');
    assert.equal(immediate.status, 0, immediate.stderr);
    assert.match(immediate.stdout, /stopped now; running servers refuse it within 10 s/);
    const third = keyPattern.exec(immediate.stdout)?.[0] as string;
    const revoked = run('api-key', 'revoke', third.split('_')[1] as string);
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.match(revoked.stdout, /revoked; running servers refuse it within 10 s \(LEDS_API_KEY_CACHE_SECONDS\)/);

    const list = run('api-key', 'list', '--organisation', 'CLIA').stdout;
    assert.equal(listed(list, created.keyA.id)[6], `expires ${until}`);
    assert.match(listed(list, second.id)[6] as string, /^expired \S+Z$/);
    assert.equal(list.trim().split('\n').length, 3);
    assert.match(list.split('\n').find((l) => l.includes(third.split('_')[1] as string)) ?? '', /\trevoked \S+Z$/);

    const end = new Date(until);
    await atMoment(new Date(end.getTime() - 1), async ({ access }) => {
      assert.ok(await access.authenticateApiKey(created.keyA.key), 'the first key works through its overlap');
      assert.equal(await access.authenticateApiKey(second.key), undefined, 'the second stopped at once');
      assert.equal(await access.authenticateApiKey(third), undefined, 'the third is revoked');
      assert.ok(await access.authenticateApiKey(created.keyB.key), "the other organisation's key is untouched");
    });
    await atMoment(end, async ({ access }) => {
      assert.equal(await access.authenticateApiKey(created.keyA.key), undefined, 'and not after it');
    });
  });

  it('refuses bad input with a one-line message and a non-zero exit, changing nothing', () => {
    refused(run('api-key', 'revoke', '00000000-0000-4000-8000-000000000000'), /^leds: no api key `0{8}-0{4}-4000/);
    refused(
      run('api-key', 'rotate', created.keyB.id, '--overlap-hours', '-1'),
      /the overlap must be a whole number of hours from 0 to 168, got `-1`/,
    );
    refused(run('api-key', 'rotate', created.keyB.id, '--overlap-hours', '169'), /from 0 to 168, got `169`/);
    refused(
      runWith(
        { LEDS_API_KEY_ROTATION_MAX_OVERLAP_HOURS: '1' },
        'api-key',
        'rotate',
        created.keyB.id,
        '--overlap-hours',
        '2',
      ),
      /from 0 to 1, got `2`/,
    );
    refused(run('user', 'disable', 'nobody'), /^leds: no user `nobody`; list them with `leds user list`/);
    const unknown = run('user', 'list', '--organisation', 'NOPE');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^leds: no organisation `NOPE`/);
    const list = run('api-key', 'list', '--organisation', 'CLIB').stdout;
    assert.equal(listed(list, created.keyB.id)[6], 'active');
    assert.equal(list.trim().split('\n').length, 1, 'no successor was made');
  });

  it('lists, disables and enables users, refusing to disable one twice', () => {
    const added = spawnSync(
      process.execPath,
      [
        leds,
        'user',
        'add',
        '--organisation',
        'CLIA',
        '--username',
        'cli.officer',
        '--name',
        'Cli Officer',
        '--role',
        'OFFICER',
        '--password-stdin',
      ],
      { env, encoding: 'utf8', input: 'a-long-enough-password\n' },
    );
    assert.equal(added.status, 0, added.stderr);
    const state = (...filter: string[]) => {
      const { stdout } = run('user', 'list', ...filter);
      assert.doesNotMatch(stdout, /\$argon2/, 'no password hash');
      const line = stdout.split('\n').find((l) => l.includes('\tcli.officer\t'));
      assert.ok(line, 'the user is listed');
      const [id, organisation, username, name, roles, active] = line.split('\t');
      assert.match(id as string, /^[0-9a-f-]{36}$/);
      assert.deepEqual([organisation, username, name, roles], ['CLIA', 'cli.officer', 'Cli Officer', 'OFFICER']);
      return active;
    };
    const disabled = run('user', 'disable', 'cli.officer');
    assert.equal(disabled.status, 0, disabled.stderr);
    assert.match(disabled.stdout, /user cli\.officer disabled; 0 web session\(s\) ended/);
    assert.equal(state('--organisation', 'CLIA'), 'disabled');
    refused(run('user', 'disable', 'cli.officer'), /user `cli\.officer` is already disabled/);
    assert.match(run('user', 'enable', 'cli.officer').stdout, /user cli\.officer enabled/);
    assert.equal(state(), 'active');
  });

  it('audits every change as the operator acting for the organisation, and the log verifies', async () => {
    // Reading changes nothing, so the moment does not matter.
    const entries = await atMoment(new Date('2026-11-01T12:00:00Z'), async ({ database }) => {
      const rows = await database.db
        .select()
        .from(auditEntries)
        .where(eq(auditEntries.channel, 'CLI'))
        .orderBy(auditEntries.seq);
      return rows.map((r) => JSON.parse(r.entry) as AuditEntryBody);
    });
    const kinds = (kind: string) => entries.filter((e) => e.kind === kind);
    assert.equal(kinds('API_KEY_ROTATED').length, 2);
    assert.equal(kinds('API_KEY_REVOKED').length, 1);
    assert.equal(kinds('USER_DISABLED').length, 1);
    assert.equal(kinds('USER_ENABLED').length, 1);
    for (const entry of [...kinds('API_KEY_ROTATED'), ...kinds('USER_DISABLED')]) {
      assert.equal(entry.organisation?.code, 'CLIA');
      assert.match(entry.actor.name, /^cli:/);
      assert.deepEqual(entry.reasons, ['administrators-manage-their-own-organisations-credentials']);
    }
    assert.deepEqual(
      kinds('API_KEY_ROTATED').map((e) => e.details.overlapHours),
      [2, 0],
    );
    // The server signs at start and on its timer; here the CLI signs, having checked the log first.
    assert.equal(run('audit', 'checkpoint').status, 0);
    const verify = run('audit', 'verify');
    assert.equal(verify.status, 0, `${verify.stdout}${verify.stderr}`);
    assert.match(verify.stdout, /audit log verified: \d+ entries/);
  });
});
