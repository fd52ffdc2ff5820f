import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { createServices } from '../src/composition.ts';
import { loadConfig } from '../src/config/config.ts';
import { auditCheckpoints, auditEntries } from '../src/modules/audit/audit.tables.ts';
import { entryRow } from '../src/modules/audit/audit-log.ts';
import { recordsetInsert } from '../src/storage/bulk-insert.ts';
import { createScratchPostgres, testDatabaseKind } from './support/database.ts';
import { ndjson, personChain } from './support/records.ts';
import { givePoliceAgreement } from './support/services.ts';
import { testSigningKeyFile } from './support/signing-key.ts';
import {
  type AuditSnapshot,
  asSuperuser,
  auditCommand,
  ownerHandles,
  quoted,
  recomputeStoredTree,
  restoreAudit,
  rollBack,
  snapshotAudit,
  startServer,
} from './support/tamper.ts';

const leds = path.resolve(import.meta.dirname, '..', 'bin', 'leds.js');
let folder: string;
let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
let env: NodeJS.ProcessEnv;
/** The sizes of the two checkpoints signed in setup. */
let firstSigned: number;
let lastSigned: number;

const auditVerify = () => spawnSync(process.execPath, [leds, 'audit', 'verify'], { env, encoding: 'utf8' });

/** Changes the stored log by hand, as a database administrator could (support/tamper.ts `asSuperuser`). */
const byHand = (statements: string[]) => withOwnerHandle((handle) => asSuperuser(handle, statements));

const { withOwnerHandle, entryText } = ownerHandles(() => ({
  url: scratch?.url,
  dataDir: path.join(folder, 'data'),
}));

before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'leds-tamper-'));
  scratch = await createScratchPostgres();
  env = {
    ...process.env,
    LEDS_DATA_DIR: path.join(folder, 'data'),
    LEDS_AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(),
    DATABASE_URL: scratch?.url ?? '',
  };
  const services = await createServices(loadConfig(env));
  try {
    await services.access.createOrganisation({ code: 'TAMP', name: 'Tamper Force', kind: 'POLICE_FORCE' });
    await givePoliceAgreement(services, 'TAMP');
    const organisation = await services.access.findOrganisation('TAMP');
    const ctx = {
      actor: { kind: 'system' as const, id: 'tamper-test', name: 'tamper test' },
      organisation: { id: organisation?.id ?? '', code: 'TAMP', kind: 'POLICE_FORCE' },
      roles: ['SYSTEM_INGEST' as const, 'SYSTEM_READ' as const],
      purpose: 'INVESTIGATION',
      caseReference: undefined,
      correlationId: 'tamper-setup',
    };
    const chain = personChain(501);
    await services.ingest.ingestBatch(ctx, 'TAMP-CUSTODY', ndjson(chain.records));
    const [person] = await services.records.searchPeople(ctx, { pncId: chain.pncId });
    // Two checkpoints, so that a change between them can be placed: the first still holds, the second does not.
    for (let i = 0; i < 5; i += 1) await services.records.viewPerson(ctx, person?.personId as string);
    firstSigned = (await services.audit.signCheckpoint())?.treeSize as number;
    for (let i = 0; i < 5; i += 1) await services.records.viewPerson(ctx, person?.personId as string);
    lastSigned = (await services.audit.signCheckpoint())?.treeSize as number;
  } finally {
    await services.close();
  }
});

after(async () => {
  await scratch?.drop();
  await rm(folder, { recursive: true, force: true });
});

describe(`leds audit verify on ${testDatabaseKind}`, () => {
  it('passes on the log as written', () => {
    const result = auditVerify();
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /audit log verified: \d+ entries, 2 signed checkpoints/);
    assert.match(result.stdout, /checked against 2 checkpoints kept outside the database/);
    assert.match(result.stdout, /every entry is covered by a signed checkpoint/);
  });

  it('names an entry whose stored text was changed, and passes again once it is put back', async () => {
    const original = await entryText(5);
    await byHand([`update audit_entries set entry = replace(entry, '"v":1', '"v":1 ') where seq = 5`]);
    const result = auditVerify();
    assert.equal(result.status, 1);
    assert.match(result.stdout, /#5\tentry 5 does not match its stored leaf hash/);
    assert.match(result.stdout, /first bad entry: 5/);
    await byHand([`update audit_entries set entry = ${quoted(original)} where seq = 5`]);
    assert.equal(auditVerify().status, 0);
  });

  it('names a removed entry', async () => {
    const original = await entryText(7);
    await byHand(['delete from audit_entries where seq = 7']);
    const result = auditVerify();
    assert.equal(result.status, 1);
    assert.match(result.stdout, /#7\tentry 7 is missing/);
    assert.match(result.stdout, /first bad entry: 7/);
    // Putting a row back is an INSERT, which the append-only trigger allows.
    await withOwnerHandle((handle) =>
      handle.db.execute(recordsetInsert(auditEntries, [entryRow(JSON.parse(original), original)])),
    );
    assert.equal(auditVerify().status, 0);
  });

  it('names rows that were reordered', async () => {
    const [three, four] = [await entryText(3), await entryText(4)];
    await byHand([
      `update audit_entries set entry = ${quoted(four)} where seq = 3`,
      `update audit_entries set entry = ${quoted(three)} where seq = 4`,
    ]);
    const result = auditVerify();
    assert.equal(result.status, 1);
    assert.match(result.stdout, /#3\tthe row at 3 holds entry 4: rows were reordered/);
    assert.match(result.stdout, /first bad entry: 3/);
    await byHand([
      `update audit_entries set entry = ${quoted(three)} where seq = 3`,
      `update audit_entries set entry = ${quoted(four)} where seq = 4`,
    ]);
    assert.equal(auditVerify().status, 0);
  });

  it('catches an entry rewritten together with its leaf hash, by the tree and the signed checkpoint', async () => {
    const original = await entryText(6);
    const forged = original.replace('"v":1', '"v":1 ');
    const { leafHash } = await import('../src/modules/audit/merkle.ts');
    await byHand([
      `update audit_entries set entry = ${quoted(forged)} where seq = 6`,
      `update audit_tree_nodes set hash = '\\x${leafHash(forged).toString('hex')}'::bytea where level = 0 and node_index = 6`,
    ]);
    const result = auditVerify();
    assert.equal(result.status, 1);
    assert.match(result.stdout, /tree node 1\/3 \(entries 6 to 7\) does not match the entries/);
    assert.match(result.stdout, /the entries no longer hash to its signed root/);
    assert.match(result.stdout, /first bad entry: 6/);
    await byHand([
      `update audit_entries set entry = ${quoted(original)} where seq = 6`,
      `update audit_tree_nodes set hash = '\\x${leafHash(original).toString('hex')}'::bytea where level = 0 and node_index = 6`,
    ]);
    assert.equal(auditVerify().status, 0);
  });
});

// Issue 14: what a superuser can do that the tree alone cannot show, each caught from outside the database (the
// checkpoint history, an outsider's copy, a witness), and each refused by `leds audit checkpoint`.
describe(`tampering caught from outside the database, on ${testDatabaseKind}`, () => {
  const _cli = (...args: string[]) => spawnSync(process.execPath, [leds, ...args], { env, encoding: 'utf8' });
  let original: AuditSnapshot;
  before(async () => {
    original = await withOwnerHandle(snapshotAudit);
  });
  // Each change is put back after its test; the last test shows the log as put back verifies (one process
  // fewer a test: CI runs these on both databases inside its time).
  afterEach(async () => {
    await withOwnerHandle((handle) => restoreAudit(handle, original));
  });

  it('names the range of entries rewritten with their hashes when the checkpoints above them were deleted', async () => {
    const seq = firstSigned + 2;
    const forged = (await entryText(seq)).replace('"v":1', '"v":1 ');
    await withOwnerHandle(async (handle) => {
      await asSuperuser(handle, [
        `update audit_entries set entry = ${quoted(forged)} where seq = ${seq}`,
        `delete from audit_checkpoints where tree_size > ${firstSigned}`,
      ]);
      await recomputeStoredTree(handle);
    });
    const result = await auditCommand(env, 'verify');
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stdout, new RegExp(`checkpoint of ${lastSigned} entries in \\S+ is missing from the database`));
    assert.match(
      result.stdout,
      new RegExp(
        `entries ${firstSigned} to ${lastSigned - 1} were changed: the checkpoint of ${firstSigned} entries still holds`,
      ),
    );
    assert.match(result.stdout, new RegExp(`changed between entries ${firstSigned} and ${lastSigned - 1}`));
    const signing = await auditCommand(env, 'checkpoint');
    assert.equal(signing.status, 1, signing.stdout);
    assert.match(
      signing.stdout,
      // Refused for the first wrong thing the check meets: the deleted checkpoint, or the root it no longer gives.
      new RegExp(
        `refused to sign: (the checkpoint of ${lastSigned} entries in \\S+ is missing from the database|the log is not consistent with the signed checkpoint of ${lastSigned} entries)`,
      ),
    );
  });

  it('catches a log rolled back with the later checkpoints deleted, and will not sign it', async () => {
    await withOwnerHandle((handle) => rollBack(handle, firstSigned));
    const result = await auditCommand(env, 'verify');
    assert.equal(result.status, 1, result.stdout);
    assert.match(
      result.stdout,
      new RegExp(
        `the log holds ${firstSigned} entries, but \\S+ holds a checkpoint of ${lastSigned}: the log was rolled back`,
      ),
    );
    const signing = await auditCommand(env, 'checkpoint');
    assert.equal(signing.status, 1, signing.stdout);
    assert.match(
      signing.stdout,
      new RegExp(
        `refused to sign: (the checkpoint of ${lastSigned} entries in \\S+ is missing from the database|the log holds ${firstSigned} entries, but a checkpoint of ${lastSigned} was signed)`,
      ),
    );
  });

  it('fails with every checkpoint deleted: missing from the database, or no checkpoint at all without the history', async () => {
    await withOwnerHandle((handle) => asSuperuser(handle, ['delete from audit_checkpoints']));
    const result = await auditCommand(env, 'verify');
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stdout, /0 signed checkpoints|FAILED/);
    assert.match(
      result.stdout,
      new RegExp(`the checkpoint of ${firstSigned} entries in \\S+ is missing from the database`),
    );
    const empty = path.join(folder, 'empty-history.jsonl');
    await writeFile(empty, '');
    const alone = await auditCommand(env, 'verify', { history: [empty] });
    assert.equal(alone.status, 1, alone.stdout);
    assert.match(alone.stdout, new RegExp(`no signed checkpoint covers any of the ${lastSigned} entries`));
    const signing = await auditCommand(env, 'checkpoint');
    assert.equal(signing.status, 1, signing.stdout);
    assert.match(signing.stdout, /refused to sign: the checkpoint of \d+ entries in \S+ is missing from the database/);
  });

  it('says how many entries no signature covers when one was appended after the last checkpoint', async () => {
    const last = JSON.parse(await entryText(lastSigned - 1)) as { seq: number };
    const forged = JSON.stringify({ ...last, seq: lastSigned, correlationId: 'forged' });
    await withOwnerHandle(async (handle) => {
      await handle.db.execute(recordsetInsert(auditEntries, [entryRow(JSON.parse(forged), forged)]));
      await recomputeStoredTree(handle);
    });
    const result = await auditCommand(env, 'verify');
    assert.match(result.stdout, /1 entries after the last signed checkpoint are not covered by any signature yet/);
  });

  it('refuses a checkpoint an outsider kept whose signature does not verify', async () => {
    const kept = original.checkpoints[0]?.note as string;
    const bad = kept.replace(/\n(\d+)\n/, (_, n) => `\n${Number(n) + 1}\n`);
    const file = path.join(folder, 'outsider-copy.txt');
    await writeFile(file, `${kept}${bad}`);
    const result = await auditCommand(env, 'verify', { checkpoints: [file] });
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stdout, /a checkpoint from \S+ cannot be verified: the signature does not verify/);
  });

  it('starts and serves with a stray checkpoint row beyond the log, and says on /health/ready that the log is failing', async () => {
    await withOwnerHandle((handle) =>
      handle.db.insert(auditCheckpoints).values({
        treeSize: lastSigned + 100,
        rootHash: Buffer.alloc(32, 1),
        note: 'junk\n\n— nobody AAAA\n',
        signedAt: new Date(),
      }),
    );
    const server = await startServer({
      ...env,
      LEDS_PORT: '0',
      LEDS_SESSION_SECRET: 'x'.repeat(40),
      LEDS_RETENTION_SWEEP_SECONDS: '86400',
    });
    try {
      const ready = await fetch(`${server.url}/health/ready`);
      assert.equal(ready.status, 200);
      assert.match((await ready.json()).auditCheckpoints, /^failing/);
      assert.match(server.output(), /the audit log failed its check: nothing was signed/);
    } finally {
      await server.stop();
    }
    const result = await auditCommand(env, 'verify');
    assert.equal(result.status, 1);
    assert.match(result.stdout, new RegExp(`checkpoint of ${lastSigned + 100} entries was signed, but only`));
  });

  it('names the searchable columns changed without their entry, whatever they were changed to', async () => {
    const original = await withOwnerHandle(snapshotAudit);
    const untouched = (e: { seq: number }) => ![2, 4, 6, 8, 10, 12].includes(e.seq);
    const caseLess = original.entries.find((e) => e.caseReference === null && untouched(e));
    const withOrganisation = original.entries.find(
      (e) => e.organisationId !== null && untouched(e) && e.seq !== caseLess?.seq,
    );
    assert.ok(caseLess && withOrganisation, 'setup wrote an entry without a case reference and one by an organisation');
    await byHand([
      `update audit_entries set actor_name = 'Someone Else' where seq = 2`,
      `update audit_entries set recorded_at = recorded_at + interval '1 millisecond' where seq = 4`,
      `update audit_entries set subject_ids = array['00000000-0000-4000-8000-000000000001'::uuid] where seq = 8`,
      // Under a millisecond, and into the years BC: the time the entry gives is still not the column's.
      `update audit_entries set recorded_at = recorded_at + interval '1 microsecond' where seq = 10`,
      `update audit_entries set recorded_at = (to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' BC')::timestamp at time zone 'UTC' where seq = 12`,
      // Nothing made an empty text, and something made nothing.
      `update audit_entries set case_reference = '' where seq = ${caseLess.seq}`,
      `update audit_entries set organisation_id = null where seq = ${withOrganisation.seq}`,
    ]);
    const expected = [
      /#2\tentry 2: columns actor_name no longer match the hashed entry/,
      /#4\tentry 4: columns recorded_at no longer match the hashed entry/,
      /#8\tentry 8: columns subject_ids no longer match the hashed entry/,
      /#10\tentry 10: columns recorded_at no longer match the hashed entry/,
      /#12\tentry 12: columns recorded_at no longer match the hashed entry/,
      new RegExp(`#${caseLess.seq}\\tentry ${caseLess.seq}: columns case_reference no longer match`),
      new RegExp(`#${withOrganisation.seq}\\tentry ${withOrganisation.seq}: columns organisation_id no longer match`),
    ];
    try {
      const quick = await auditCommand(env, 'verify');
      assert.equal(quick.status, 1, quick.stdout);
      for (const line of expected) assert.match(quick.stdout, line);
      // A value holding the separator the verifier reads columns with: that chunk is read carefully, same findings.
      await byHand([`update audit_entries set actor_id = actor_id || chr(31) || 'x' where seq = 6`]);
      const careful = await auditCommand(env, 'verify');
      assert.equal(careful.status, 1, careful.stdout);
      for (const line of [...expected, /#6\tentry 6: columns actor_id no longer match the hashed entry/])
        assert.match(careful.stdout, line);
    } finally {
      await withOwnerHandle((handle) => restoreAudit(handle, original));
    }
  });

  it('names a tree node moved onto its neighbour as missing and the neighbour as stored twice, an emptied one as missing, and nothing after either as changed', async () => {
    const original = await withOwnerHandle(snapshotAudit);
    const pk = 'audit_tree_nodes_level_node_index_pk';
    const cases = [
      [
        `alter table audit_tree_nodes drop constraint ${pk}`,
        'update audit_tree_nodes set node_index = 4 where level = 0 and node_index = 5',
      ],
      [
        'alter table audit_tree_nodes alter hash drop not null',
        'update audit_tree_nodes set hash = null where level = 0 and node_index = 5',
      ],
    ];
    try {
      for (const statements of cases) {
        await byHand(statements);
        const result = await auditCommand(env, 'verify');
        assert.equal(result.status, 1, result.stdout);
        assert.match(result.stdout, /#5\ttree node 0\/5 \(entries 5 to 5\) is missing/);
        if (statements[0]?.includes('drop constraint'))
          assert.match(result.stdout, /#4\ttree node 0\/4 is stored 2 times/);
        // Nothing after the node is misread as changed, as it would be if the hashes after it moved up one.
        assert.doesNotMatch(result.stdout, /entry (?:[6-9]|\d\d+) does not match/);
        await withOwnerHandle((handle) => restoreAudit(handle, original));
      }
    } finally {
      await withOwnerHandle(async (handle) => {
        await restoreAudit(handle, original);
        await asSuperuser(handle, [
          `alter table audit_tree_nodes drop constraint if exists ${pk}`,
          `alter table audit_tree_nodes add constraint ${pk} primary key (level, node_index)`,
          'alter table audit_tree_nodes alter hash set not null',
        ]);
      });
    }
  });

  it('verifies, once every change above is put back', async () => {
    const result = await auditCommand(env, 'verify');
    assert.equal(result.status, 0, result.stdout);
  });
});
