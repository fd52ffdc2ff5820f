import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asc } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { createServices, type Services } from '../src/composition.ts';
import { auditCosignatures } from '../src/modules/audit/audit.tables.ts';
import { CheckpointVerifier, CosignatureVerifier } from '../src/modules/audit/index.ts';
import { parseSignedNote } from '../src/modules/audit/signed-note.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { asDatabaseOwner, testDatabaseKind } from './support/database.ts';
import { startTestServices, type TestServices } from './support/services.ts';
import { type RunningWitness, removeTempFolders, startWitness } from './support/witness.ts';

/**
 * LEDS's side of c2sp.org/tlog-witness (witness-cosigning.ts) against a real witness: each checkpoint LEDS signs
 * is sent to it and cosigned; cosignature rows a database superuser deleted are recovered from the witness's own
 * record; a rollback that took every trace with it inside LEDS is still refused by the witness.
 */

let versions = 0;
/** Writes `count` audit entries (a new policy version is audited once each). */
async function writeEntries(services: Services, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    versions += 1;
    assert.ok(await services.audit.recordPolicyVersion(`witness-test-${versions}`));
  }
}

const cosignatureRows = (services: Services) =>
  services.database.db.select().from(auditCosignatures).orderBy(asc(auditCosignatures.treeSize));

/** Changes the stored log as a database superuser could: triggers off for the transaction, then plain SQL. */
const byHand = (services: Services, statements: string[]) =>
  asDatabaseOwner(services.database, [
    'begin',
    'set local session_replication_role = replica',
    ...statements,
    'commit',
  ]);

const refusalsOf = (witness: RunningWitness) =>
  readFileSync(path.join(witness.stateDir, 'refusals.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { status: number; body: string; reason: string });

/** The witness's line in a cosigned note checks out with its key for that note's text. */
function assertWitnessLine(witness: RunningWitness, cosigned: string): void {
  const { text, signatures } = parseSignedNote(cosigned);
  assert.ok(new CosignatureVerifier(witness.verifierKey).timestampOf(text, signatures), 'the witness cosigned it');
}

describe(`LEDS has each checkpoint it signs cosigned by a witness, on ${testDatabaseKind}`, () => {
  let services: TestServices;
  let witness: RunningWitness;
  let app: FastifyInstance;

  before(async () => {
    services = await startTestServices();
    witness = await startWitness([services.audit.verifierKey]);
    services.audit.addWitness(witness.url, witness.verifierKey);
    app = await buildApp(services, { logger: false });
  });

  after(async () => {
    await assertAuditLogVerifies(services);
    assert.equal(services.audit.checkpointStatus?.witnessed, true);
    await app.close();
    await witness.close();
    await services.close();
  });

  it('cosigns two checkpoints signed with entries in between, and publishes the cosignatures', async () => {
    await writeEntries(services, 3);
    const first = await services.audit.signCheckpoint();
    assert.ok(first, 'a checkpoint was signed');
    assert.deepEqual(services.audit.checkpointStatus?.witnessProblems, []);
    assert.equal(services.audit.checkpointStatus?.witnessed, true);
    await writeEntries(services, 4);
    const second = await services.audit.signCheckpoint();
    assert.ok(second && second.treeSize > first.treeSize);
    const status = services.audit.checkpointStatus;
    assert.deepEqual(status?.witnessProblems, []);
    assert.deepEqual(status?.cosignedBy, [witness.name]);
    assert.equal(status?.witnessed, true);
    const rows = await cosignatureRows(services);
    assert.deepEqual(
      rows.map((r) => [r.treeSize, r.witnessKey]),
      [
        [first.treeSize, witness.verifierKey],
        [second.treeSize, witness.verifierKey],
      ],
    );
    const latest = await services.audit.latestCosignedCheckpoint();
    assert.equal(latest?.treeSize, second.treeSize);
    assert.ok(latest?.cosigned.endsWith(`${rows[1]?.line}\n`), 'the newest checkpoint carries the witness line');
    assert.ok(new CheckpointVerifier(services.audit.verifierKey).openNote(latest?.cosigned ?? ''));
    assertWitnessLine(witness, latest?.cosigned ?? '');
    const published = (await app.inject({ url: '/api/v1/audit/checkpoint' })).json();
    assert.equal(published.checkpoint.note, latest?.cosigned);
    const page = (await app.inject({ url: '/api/v1/audit/checkpoints' })).json();
    for (const checkpoint of page.checkpoints) assertWitnessLine(witness, checkpoint.note);
    const history = services.audit.history.read().filter((h) => h.note.includes(witness.name));
    assert.deepEqual(
      history.map((h) => h.treeSize),
      [first.treeSize, second.treeSize],
      'the history keeps each checkpoint again once cosigned',
    );
  });

  it('keeps one cosignature of a checkpoint however often it signs with nothing new', async () => {
    const before = (await cosignatureRows(services)).length;
    assert.equal(await services.audit.signCheckpoint(), undefined, 'nothing new to sign');
    assert.equal(services.audit.checkpointStatus?.witnessed, true);
    assert.equal((await cosignatureRows(services)).length, before);
  });
});

/** Signs after `count` new entries; returns the size signed. */
async function signAfter(target: Services, count: number): Promise<number> {
  await writeEntries(target, count);
  const signed = await target.audit.signCheckpoint();
  assert.ok(signed, 'a checkpoint was signed');
  return signed.treeSize;
}

/** Cuts the log back to `cut` entries by hand, with the checkpoints and cosignatures past it, and its history. */
async function rollBack(target: TestServices, cut: number): Promise<void> {
  await byHand(target, [
    `delete from audit_entries where seq >= ${cut}`,
    `delete from audit_vault_content where seq >= ${cut}`,
    `delete from audit_tree_nodes where (node_index + 1) * (1::int8 << level) > ${cut}`,
    `delete from audit_checkpoints where tree_size > ${cut}`,
    `delete from audit_cosignatures where tree_size > ${cut}`,
  ]);
  rmSync(target.audit.history.file);
}

// The tampered log, its witness and LEDS started again over it, shared by the two suites below, in order.
let tampered: TestServices;
let tamperWitness: RunningWitness;
let restarted: Services | undefined;
const sizes: number[] = [];

after(async () => {
  await restarted?.close();
  await tamperWitness?.close();
  await tampered?.close();
  removeTempFolders();
});

describe(`a witness's record mends cosignature rows a database superuser deleted, on ${testDatabaseKind}`, () => {
  before(async () => {
    tampered = await startTestServices();
    tamperWitness = await startWitness([tampered.audit.verifierKey]);
    tampered.audit.addWitness(tamperWitness.url, tamperWitness.verifierKey);
    sizes.push(await signAfter(tampered, 5), await signAfter(tampered, 6));
  });

  it('recovers cosignature rows deleted by hand: the witness answers 409 with its size and LEDS resends', async () => {
    const [first = 0, second = 0] = sizes;
    await byHand(tampered, [`delete from audit_cosignatures where tree_size = ${second}`]);
    tamperWitness.received.length = 0;
    const third = await signAfter(tampered, 4);
    sizes.push(third);
    assert.deepEqual(tampered.audit.checkpointStatus?.witnessProblems, []);
    assert.equal(tampered.audit.checkpointStatus?.witnessed, true);
    assert.deepEqual(
      tamperWitness.received.map((body) => body.split('\n')[0]),
      [`old ${first}`, `old ${second}`],
      'LEDS first sent the old size its rows said, then the one the witness told it',
    );
    await byHand(tampered, [`delete from audit_cosignatures where tree_size = ${third}`]);
    assert.equal(await tampered.audit.signCheckpoint(), undefined, 'nothing new to sign');
    assert.deepEqual(tampered.audit.checkpointStatus?.witnessProblems, []);
    assert.equal(tampered.audit.checkpointStatus?.witnessed, true);
    assert.deepEqual(
      (await cosignatureRows(tampered)).map((r) => r.treeSize),
      [first, third],
      'the newest checkpoint is cosigned again',
    );
  });
});

describe(`a witness refuses a rollback that left LEDS nothing to compare with, on ${testDatabaseKind}`, () => {
  it('a rollback to a cosigned checkpoint, every trace in LEDS gone, is reported by the witness, not as witnessed', async () => {
    const [cut = 0] = sizes;
    await rollBack(tampered, cut);
    restarted = await createServices(tampered.config, { database: tampered.database, clock: tampered.clock });
    restarted.audit.addWitness(tamperWitness.url, tamperWitness.verifierKey);
    assert.equal(await restarted.audit.signCheckpoint(), undefined, 'nothing new to sign');
    const status = restarted.audit.checkpointStatus;
    assert.equal(status?.refused, undefined, "LEDS's own checks have nothing left to compare with");
    // The witness has cosigned a larger tree since the cosignature LEDS kept for its (now) newest checkpoint; only
    // asking it shows that, and LEDS does not ask a witness whose cosignature of the newest checkpoint it holds.
    assert.match(status?.witnessProblems.join('\n') ?? '', /rolled back/, 'the witness was asked, and refused');
    assert.equal(status?.witnessed, false);
  });

  it('after that rollback LEDS signs a smaller tree; the witness refuses it and the status says rolled back', async () => {
    const [, , cosigned = 0] = sizes;
    const target = restarted as Services;
    const fewer = await signAfter(target, 2);
    assert.ok(fewer < cosigned);
    const status = target.audit.checkpointStatus;
    assert.equal(status?.refused, undefined, "LEDS's own checks have nothing left to compare with");
    assert.equal(status?.witnessed, false);
    assert.match(status?.witnessProblems.join('\n') ?? '', new RegExp(`has cosigned ${cosigned} entries.*rolled back`));
  });

  it('and once the rewritten log is larger than the witness saw, the witness refuses its proof (422)', async () => {
    const [cut = 0, , cosigned = 0] = sizes;
    const target = restarted as Services;
    const more = await signAfter(target, cosigned - (await target.auditLog.size()) + 3);
    assert.ok(more > cosigned);
    assert.equal(target.audit.checkpointStatus?.witnessed, false);
    assert.match(
      target.audit.checkpointStatus?.witnessProblems.join('\n') ?? '',
      new RegExp(`refused the checkpoint of ${more} entries \\(422\\).*does not extend`),
    );
    assert.deepEqual(
      (await cosignatureRows(target)).map((r) => r.treeSize),
      [cut],
      'no cosignature after the cut',
    );
    assert.equal(refusalsOf(tamperWitness).at(-1)?.status, 422, 'the witness kept the evidence');
  });
});
