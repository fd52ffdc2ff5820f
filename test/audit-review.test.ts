import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { createServices } from '../src/composition.ts';
import { loadConfig } from '../src/config/config.ts';
import { CheckpointSigner } from '../src/modules/audit/index.ts';
import { queryRows } from '../src/storage/database.ts';
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
  snapshotAudit,
} from './support/tamper.ts';

// Review 14: attacks on the audit log's claims by a database superuser (and, where said, someone who can also
// write the data folder). Each test states what the claim promises; a failing test is a break.

const leds = path.resolve(import.meta.dirname, '..', 'bin', 'leds.js');
let folder: string;
let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
let env: NodeJS.ProcessEnv;
let historyFile: string;
let historyText: string;
let firstSigned: number;
let lastSigned: number;
let original: AuditSnapshot;
let witness: ChildProcess | undefined;

const cli = (...args: string[]) => spawnSync(process.execPath, [leds, ...args], { env, encoding: 'utf8' });

const { withOwnerHandle, entryText } = ownerHandles(() => ({
  url: scratch?.url,
  dataDir: path.join(folder, 'data'),
}));

function systemContext(organisationId: string) {
  return {
    actor: { kind: 'system' as const, id: 'review-test', name: 'review test' },
    organisation: { id: organisationId, code: 'REVW', kind: 'POLICE_FORCE' },
    roles: ['SYSTEM_INGEST' as const, 'SYSTEM_READ' as const],
    purpose: 'INVESTIGATION',
    caseReference: undefined,
    correlationId: 'review-setup',
  };
}

before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'leds-review-'));
  scratch = await createScratchPostgres();
  // A witness, independent of the data folder: what catches a history cut back together with the database. In a
  // process of its own, since the CLI runs here with spawnSync, which holds this process's event loop.
  const { signer } = CheckpointSigner.fromFile('leds.local/audit', testSigningKeyFile());
  const witnessDir = path.join(folder, 'witness');
  const args = ['witness', 'serve', '--name', 'witness.review.test', '--key-file', path.join(witnessDir, 'key.pem')];
  witness = spawn(
    process.execPath,
    [leds, ...args, '--state-dir', path.join(witnessDir, 'state'), '--log', signer.verifierKey, '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const [verifierKey, url] = await new Promise<[string, string]>((resolve, reject) => {
    let out = '';
    witness?.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /witness (\S+) is listening on (\S+)\/add-checkpoint/.exec(out);
      if (match) resolve([match[1] as string, match[2] as string]);
    });
    witness?.once('exit', (code) => reject(new Error(`the witness exited with ${code}: ${out}`)));
  });
  env = {
    ...process.env,
    LEDS_DATA_DIR: path.join(folder, 'data'),
    LEDS_AUDIT_SIGNING_KEY_FILE: testSigningKeyFile(),
    LEDS_AUDIT_WITNESSES: `${url}|${verifierKey}`,
    DATABASE_URL: scratch?.url ?? '',
  };
  const services = await createServices(loadConfig(env));
  try {
    await services.access.createOrganisation({ code: 'REVW', name: 'Review Force', kind: 'POLICE_FORCE' });
    await givePoliceAgreement(services, 'REVW');
    const organisation = await services.access.findOrganisation('REVW');
    const ctx = systemContext(organisation?.id ?? '');
    const chain = personChain(502);
    await services.ingest.ingestBatch(ctx, 'REVW-CUSTODY', ndjson(chain.records));
    const [person] = await services.records.searchPeople(ctx, { pncId: chain.pncId });
    for (let i = 0; i < 5; i += 1) await services.records.viewPerson(ctx, person?.personId as string);
    firstSigned = (await services.audit.signCheckpoint())?.treeSize as number;
    for (let i = 0; i < 5; i += 1) await services.records.viewPerson(ctx, person?.personId as string);
    lastSigned = (await services.audit.signCheckpoint())?.treeSize as number;
    historyFile = services.audit.history.file;
  } finally {
    await services.close();
  }
  historyText = await readFile(historyFile, 'utf8');
  original = await withOwnerHandle(snapshotAudit);
});

after(async () => {
  witness?.kill('SIGTERM');
  await scratch?.drop();
  await rm(folder, { recursive: true, force: true });
});

describe(`review 14: the checkpoint history and signing, on ${testDatabaseKind}`, () => {
  afterEach(async () => {
    await withOwnerHandle((handle) => restoreAudit(handle, original));
    await writeFile(historyFile, historyText);
  });

  /** Entries after the first checkpoint rewritten with every hash, and the newest checkpoint row deleted. */
  async function rewriteAfterFirstCheckpoint(): Promise<void> {
    const seq = firstSigned + 2;
    assert.ok(seq < lastSigned, 'the rewritten entry lies between the two checkpoints');
    const forged = (await entryText(seq)).replace('"v":1', '"v":1 ');
    await withOwnerHandle(async (handle) => {
      await asSuperuser(handle, [
        `update audit_entries set entry = ${quoted(forged)} where seq = ${seq}`,
        `delete from audit_checkpoints where tree_size > ${firstSigned}`,
        `delete from audit_cosignatures where tree_size > ${firstSigned}`,
      ]);
      await recomputeStoredTree(handle);
    });
  }

  it('a newest history line cut short (as if torn) fails verify and is refused by signing: it begins no checkpoint the database holds', async () => {
    await rewriteAfterFirstCheckpoint();
    // The history's last line loses its last bytes: "a last line cut short is left out" (checkpoint-history.ts).
    assert.ok(historyText.trimEnd().split('\n').length >= 2);
    await writeFile(historyFile, historyText.slice(0, -3));
    const verify = await auditCommand(env, 'verify');
    assert.equal(verify.status, 1, `verify passed a rewritten log:\n${verify.stdout}`);
    const signing = await auditCommand(env, 'checkpoint');
    assert.equal(signing.status, 1, `LEDS signed a rewritten log:\n${signing.stdout}`);
  });

  it('a history cut back to an earlier line together with the database is caught by the witness, which saw more', async () => {
    await rewriteAfterFirstCheckpoint();
    const lines = historyText.split('\n').filter((l) => l !== '');
    const kept = lines.filter((l) => (JSON.parse(l) as { treeSize: number }).treeSize <= firstSigned);
    await writeFile(historyFile, `${kept.join('\n')}\n`);
    const verify = await auditCommand(env, 'verify');
    assert.equal(verify.status, 1, `verify passed a rewritten log:\n${verify.stdout}`);
    assert.match(verify.stdout, new RegExp(`witness witness.review.test .* has cosigned ${lastSigned} entries`));
  });

  it('an entry rewritten without its hashes, before the newest checkpoint, is refused by signing from the command line', async () => {
    const seq = 3;
    const forged = (await entryText(seq)).replace('"v":1', '"v":1 ');
    await withOwnerHandle((handle) =>
      asSuperuser(handle, [`update audit_entries set entry = ${quoted(forged)} where seq = ${seq}`]),
    );
    const verify = await auditCommand(env, 'verify');
    assert.equal(verify.status, 1, verify.stdout);
    const signing = await auditCommand(env, 'checkpoint');
    assert.equal(signing.status, 1, `LEDS called a rewritten log fine:\n${signing.stdout}`);
    assert.match(signing.stdout, /refused to sign/);
  });

  it('a stray checkpoint row below the newest (bad signature) is refused by signing', async () => {
    await withOwnerHandle((handle) =>
      asSuperuser(handle, [
        `insert into audit_checkpoints (tree_size, root_hash, note, signed_at) values (${firstSigned - 1}, '\\x${'01'.repeat(32)}'::bytea, ${quoted('junk\n\n\u2014 nobody AAAA\n')}, now())`,
      ]),
    );
    const verify = await auditCommand(env, 'verify');
    assert.equal(verify.status, 1, verify.stdout);
    const signing = await auditCommand(env, 'checkpoint');
    assert.equal(signing.status, 1, `LEDS accepted a stray row:\n${signing.stdout}`);
  });

  it('a deleted checkpoint row below the newest is refused by signing', async () => {
    await withOwnerHandle((handle) =>
      asSuperuser(handle, [`delete from audit_checkpoints where tree_size = ${firstSigned}`]),
    );
    const verify = await auditCommand(env, 'verify');
    assert.equal(verify.status, 1, verify.stdout);
    assert.match(
      verify.stdout,
      new RegExp(`checkpoint of ${firstSigned} entries in \\S+ is missing from the database`),
    );
    const signing = await auditCommand(env, 'checkpoint');
    assert.equal(signing.status, 1, `LEDS accepted a deleted checkpoint:\n${signing.stdout}`);
  });

  it('with --witness, history checkpoints not yet cosigned still bind the log: a deleted newest checkpoint fails', async () => {
    await rewriteAfterFirstCheckpoint();
    const witnessKey = cli('witness', 'key', '--name', 'w.example/x', '--key-file', path.join(folder, 'w.pem'));
    assert.equal(witnessKey.status, 0, witnessKey.stderr);
    const verify = await auditCommand(env, 'verify', { witness: [witnessKey.stdout.trim()], quorum: 1 });
    assert.equal(verify.status, 1, `verify passed with no trusted checkpoint:\n${verify.stdout}`);
  });
});

describe(`review 14: the log put back, on ${testDatabaseKind}`, () => {
  it('verifies once every change above is put back', async () => {
    const result = await auditCommand(env, 'verify');
    assert.equal(result.status, 0, result.stdout);
  });
});

describe(`review 14: what reaches an audit entry, on ${testDatabaseKind}`, () => {
  it('a PNC ID searched for that does not parse stays out of the ACCESS_REFUSED entry', async () => {
    const services = await createServices(loadConfig(env));
    const searched = '2001/0987654Z';
    try {
      const organisation = await services.access.findOrganisation('REVW');
      const ctx = systemContext(organisation?.id ?? '');
      await assert.rejects(services.records.searchPeople(ctx, { pncId: searched }));
      await assert.rejects(services.records.searchPeople(ctx, { croNumber: '987654/01Q' }));
    } finally {
      await services.close();
    }
    const leaked = await withOwnerHandle((handle) =>
      queryRows<{ seq: number }>(
        handle.db,
        sql`select seq from audit_entries where entry like ${'%0987654Z%'} or entry like ${'%987654/01Q%'}`,
      ),
    );
    assert.deepEqual(leaked, [], 'the searched identifier is in the audit log for ever');
  });
});

describe(`review 14: the vault's retention, on ${testDatabaseKind}`, () => {
  it('a month key that cannot be unwrapped does not stop the sweep destroying the expired months', async () => {
    const [current] = await withOwnerHandle((handle) =>
      queryRows<{ period: string }>(handle.db, sql`select period from audit_vault_keys order by period desc limit 1`),
    );
    assert.ok(current, 'a month key exists');
    await withOwnerHandle((handle) =>
      asSuperuser(handle, [
        // An old month whose wrapped key was copied from another month: it cannot be unwrapped under its label.
        `insert into audit_vault_keys (period, wrapped_key, created_at) select '2001-01', wrapped_key, now() from audit_vault_keys where period = ${quoted(current.period)}`,
        `insert into audit_vault_keys (period, wrapped_key, created_at) select '2001-02', wrapped_key, now() from audit_vault_keys where period = ${quoted(current.period)}`,
      ]),
    );
    const sweep = cli('audit', 'vault-sweep');
    const destroyed = await withOwnerHandle((handle) =>
      queryRows<{ period: string }>(
        handle.db,
        sql`select period from audit_vault_keys where period in ('2001-01', '2001-02') and destroyed_at is not null`,
      ),
    );
    assert.equal(sweep.status, 0, `the sweep failed:\n${sweep.stdout}${sweep.stderr}`);
    assert.equal(destroyed.length, 2, 'expired months were kept');
  });
});
