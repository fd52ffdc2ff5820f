import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs, { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  assertCosigned,
  assertSizeTold,
  type RunningWitness,
  removeTempFolders,
  requestBody,
  startWitness,
  TestLog,
} from './support/witness.ts';

/**
 * The witness attacked as an outsider (or a dishonest log) would: rollbacks and split views by every route, odd
 * bodies, extension lines, other logs' keys, a state folder holding the wrong file, and the refusals it keeps.
 * The outside review found each fault these tests name; each test keeps it fixed.
 */

const running: RunningWitness[] = [];
let logs = 0;

async function witnessOf(logKeys: string[]): Promise<RunningWitness> {
  const witness = await startWitness(logKeys);
  running.push(witness);
  return witness;
}

/** A log of `size` leaves cosigned once by a new witness that follows it (and any other logs given). */
async function cosigned(size: number, others: TestLog[] = []): Promise<{ log: TestLog; witness: RunningWitness }> {
  logs += 1;
  const log = new TestLog(`log.test/attack-${logs}`).grow(size);
  const witness = await witnessOf([log.verifierKey, ...others.map((o) => o.verifierKey)]);
  if (size > 0) assertCosigned(witness, await witness.add(log.body(0)), log.checkpoint());
  return { log, witness };
}

const refusalsFile = (witness: RunningWitness) => path.join(witness.stateDir, 'refusals.jsonl');
const refusalBytes = (witness: RunningWitness) =>
  existsSync(refusalsFile(witness)) ? statSync(refusalsFile(witness)).size : 0;

/** The witness still holds the log at `size`: the honest next checkpoint is cosigned. */
async function assertStillAt(witness: RunningWitness, log: TestLog, size: number): Promise<void> {
  assertSizeTold(await witness.add(log.body(size === 0 ? 1 : 0)), size);
  log.grow(1);
  assertCosigned(witness, await witness.add(log.body(size)), log.checkpoint());
}

after(async () => {
  for (const witness of running) await witness.close();
  removeTempFolders();
});

describe('a witness cannot be made to cosign a rollback or a split view', () => {
  it('refuses a smaller tree whatever old size is claimed, with whatever proof', async () => {
    const { log, witness } = await cosigned(40);
    for (let old = 0; old <= 41; old += 1)
      for (const size of [0, 1, 20, 39]) {
        const proof = old > 0 && old < size ? log.proof(old, size) : [];
        const reply = await witness.add(requestBody(old, proof, log.checkpoint(size)));
        assert.notEqual(reply.status, 200, `old ${old}, size ${size}`);
      }
    await assertStillAt(witness, log, 40);
  });

  it('refuses another tree of the same size or larger, even with a proof valid for that tree', async () => {
    const { log, witness } = await cosigned(33);
    for (const cut of [0, 1, 16, 32]) {
      const other = log.fork(cut).grow(33 - cut);
      assert.equal((await witness.add(other.body(33))).status, 409, `same size, cut at ${cut}`);
      other.grow(7);
      assert.equal((await witness.add(other.body(33))).status, 422, `larger, cut at ${cut}`);
      const honestProof = requestBody(33, log.fork().grow(7).proof(33), other.checkpoint());
      assert.equal((await witness.add(honestProof)).status, 422, 'a proof of the honest tree');
    }
    await assertStillAt(witness, log, 33);
  });

  it('lets no other log it follows sign for this one, nor a key of the same name', async () => {
    const other = new TestLog('log.test/another-followed').grow(3);
    const { log, witness } = await cosigned(9, [other]);
    const forged = log.fork(5).grow(10);
    const byOther = requestBody(9, forged.proof(9), other.signer.signNote(forged.text()));
    assert.equal((await witness.add(byOther)).status, 403);
    const sameName = new TestLog(log.origin, randomBytes(32), forged.leaves);
    assert.equal((await witness.add(sameName.body(9))).status, 403);
    await assertStillAt(witness, log, 9);
  });

  it('answers 404 for an origin it does not follow, even signed by the key of a log it follows', async () => {
    const { log, witness } = await cosigned(4);
    const elsewhere = `${log.text().replace(log.origin, `${log.origin}/other`)}`;
    assert.equal((await witness.add(requestBody(0, [], log.signer.signNote(elsewhere)))).status, 404);
    assert.equal((await witness.add(new TestLog('not.followed/log').grow(2).body(0))).status, 404);
    assert.equal(refusalBytes(witness), 0, 'nothing kept for a log it does not follow');
    await assertStillAt(witness, log, 4);
  });
});

describe('a witness takes odd bodies without cosigning, crashing or losing its state', () => {
  it('refuses CRLF line ends anywhere (400)', async () => {
    const { log, witness } = await cosigned(7);
    const body = log.fork().grow(2).body(7);
    const variants = [
      body.replaceAll('\n', '\r\n'),
      body.replace('\n', '\r\n'),
      body.replace('\n\n', '\r\n\r\n'),
      body.replace('\n\n', '\n\r\n'),
      `${body.slice(0, -1)}\r\n`,
    ];
    for (const variant of variants) assert.equal((await witness.add(variant)).status, 400, JSON.stringify(variant));
    await assertStillAt(witness, log, 7);
  });

  it('refuses a body larger than it reads (413), and one of junk just under that (400)', async () => {
    const { log, witness } = await cosigned(3);
    const huge = await witness.add(`${log.fork().grow(1).body(3)}${'x'.repeat(300_000)}`);
    assert.equal(huge.status, 413);
    assert.equal((await witness.add(`old 3\n${'A'.repeat(250_000)}\n\n${log.checkpoint()}`)).status, 400);
    await assertStillAt(witness, log, 3);
  });

  it('takes any content type, and never answers 500 to a changed byte of a good body', async () => {
    const { log, witness } = await cosigned(10);
    const good = Buffer.from(log.fork().grow(5).body(10));
    for (let i = 0; i < 300; i += 1) {
      const bad = Buffer.from(good);
      const at = Math.floor(Math.random() * bad.length);
      bad[at] = ((bad[at] as number) + 1 + Math.floor(Math.random() * 255)) % 256;
      const reply = await witness.add(bad, {
        'content-type': ['application/json', 'text/plain', 'application/octet-stream'][i % 3] as string,
      });
      assert.ok([400, 403, 404, 409, 422].includes(reply.status), `${reply.status}: ${JSON.stringify(String(bad))}`);
    }
    await assertStillAt(witness, log, 10);
  });

  it('cosigns extension lines as part of the text, and they carry no other tree in', async () => {
    const { log, witness } = await cosigned(12);
    const once = log.checkpoint(12, ['ext: one']);
    assertCosigned(witness, await witness.add(requestBody(12, [], once)), once);
    const other = log.checkpoint(12, ['ext: two', '\u2014 log.test/attack looks like a signature']);
    assertCosigned(witness, await witness.add(requestBody(12, [], other)), other);
    const split = log.fork(11).grow(1);
    assert.equal((await witness.add(requestBody(12, [], split.checkpoint(12, ['ext: one'])))).status, 409);
    log.grow(4);
    const grown = log.checkpoint(16, [`${log.root(12).toString('base64')}`]);
    assertCosigned(witness, await witness.add(requestBody(12, log.proof(12), grown)), grown);
    await assertStillAt(witness, log, 16);
  });
});

describe("the witness's checks, as the outside review broke them (src/modules/witness/add-checkpoint.ts)", () => {
  it("after cosigning an empty tree it goes on cosigning the log's later checkpoints", async () => {
    const { log, witness } = await cosigned(0);
    assertCosigned(witness, await witness.add(log.body(0)), log.checkpoint());
    log.grow(5);
    const reply = await witness.add(log.body(0));
    assert.equal(reply.status, 200, `an old size of 0 needs no proof, yet: ${reply.status} ${reply.text}`);
  });

  it('after cosigning an empty tree a proof with old size 0 is a bad request (400)', async () => {
    const { log, witness } = await cosigned(0);
    assertCosigned(witness, await witness.add(log.body(0)), log.checkpoint());
    log.grow(8);
    assert.equal((await witness.add(requestBody(0, log.proof(4), log.checkpoint()))).status, 400);
  });

  it('it refuses the same size again with proof lines, where RFC 9162 says the proof is empty', async () => {
    const { log, witness } = await cosigned(20);
    const junk = [randomBytes(32), randomBytes(32)];
    const reply = await witness.add(requestBody(20, junk, log.checkpoint()));
    assert.equal(reply.status, 422, 'a consistency proof between equal sizes has no hashes');
  });
});

describe("the witness's records, as the outside review broke them (src/modules/witness)", () => {
  it('it keeps nothing of a forged checkpoint (bad signature) of a followed log', async () => {
    const { log, witness } = await cosigned(6);
    const forged = log.fork().grow(2).text();
    const junkSignature = `\u2014 ${log.origin} ${Buffer.concat([log.signer.keyId, randomBytes(64)]).toString('base64')}\n`;
    for (let i = 0; i < 5; i += 1) {
      const reply = await witness.add(requestBody(6, [], `${forged}\n${junkSignature}`));
      assert.equal(reply.status, 403);
    }
    // tlog-witness: "If the origin is known, and the signature is valid, the witness MAY log the request".
    assert.equal(refusalBytes(witness), 0, 'no one without the log key can write to the refusals file');
  });

  it('a public checkpoint replayed, padded with unknown signatures, does not grow its disk', async () => {
    const { log, witness } = await cosigned(6);
    const padding = Array.from(
      { length: 60 },
      (_, i) => `\u2014 padding.example/k${i} ${randomBytes(2900).toString('base64')}\n`,
    ).join('');
    const replay = requestBody(0, [], `${log.checkpoint()}${padding}`);
    assert.ok(replay.length > 230_000 && replay.length < 256 * 1024);
    for (let i = 0; i < 20; i += 1) assertSizeTold(await witness.add(replay), 6);
    assert.ok(refusalBytes(witness) < 256 * 1024, `refusals.jsonl holds ${refusalBytes(witness)} bytes`);
  });

  it('a state file that holds another origin fails closed: no rollback is cosigned', async () => {
    const other = new TestLog('log.test/the-other-log').grow(2);
    const { log, witness } = await cosigned(30, [other]);
    const fileOf = (origin: string) =>
      path.join(witness.stateDir, `${createHash('sha256').update(origin).digest('hex')}.json`);
    assertCosigned(witness, await witness.add(other.body(0)), other.checkpoint());
    // As a restore that put the wrong file in place would leave it.
    writeFileSync(fileOf(log.origin), readFileSync(fileOf(other.origin)));
    const rolledBack = log.fork(10).grow(3);
    const reply = await witness.add(rolledBack.body(0));
    assert.notEqual(reply.status, 200, 'a state it cannot read as this log is no reason to forget the log');
  });

  it('it answers only once the rename of its new state is durable (the folder is synced)', async () => {
    const { log, witness } = await cosigned(5);
    log.grow(3);
    const events: string[] = [];
    const paths = new Map<number, string>();
    const original = { openSync: fs.openSync, fsyncSync: fs.fsyncSync, renameSync: fs.renameSync };
    fs.openSync = ((file: fs.PathLike, ...rest: unknown[]) => {
      const fd = (original.openSync as (...a: unknown[]) => number)(file, ...rest);
      paths.set(fd, path.resolve(String(file)));
      return fd;
    }) as typeof fs.openSync;
    fs.fsyncSync = (fd: number) => {
      events.push(`fsync ${paths.get(fd)}`);
      original.fsyncSync(fd);
    };
    fs.renameSync = (from: fs.PathLike, to: fs.PathLike) => {
      events.push('rename');
      original.renameSync(from, to);
    };
    syncBuiltinESMExports();
    try {
      assertCosigned(witness, await witness.add(log.body(5)), log.checkpoint());
    } finally {
      Object.assign(fs, original);
      syncBuiltinESMExports();
    }
    const renamed = events.indexOf('rename');
    assert.notEqual(renamed, -1, events.join(', '));
    assert.ok(
      events.slice(renamed).includes(`fsync ${path.resolve(witness.stateDir)}`),
      `the state folder is synced after the rename: ${events.join(', ')}`,
    );
  });
});
