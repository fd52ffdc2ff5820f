import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CosignatureVerifier } from '../src/modules/audit/index.ts';
import { parseSignatureLines } from '../src/modules/audit/signed-note.ts';
import {
  assertCosigned,
  assertSizeTold,
  type RunningWitness,
  removeTempFolders,
  requestBody,
  startWitness,
  TestLog,
  tempFolder,
  type WitnessSetup,
} from './support/witness.ts';

/**
 * The witness (src/modules/witness, `leds witness serve`) against every rule of c2sp.org/tlog-witness's
 * add-checkpoint, over HTTP on 127.0.0.1, with checkpoints of real trees signed by a test log key and proofs
 * computed here from the leaves.
 */

const running: RunningWitness[] = [];
let logs = 0;

/** A log of `size` random leaves and a new witness following it, with no state yet. */
async function followed(size: number, setup: WitnessSetup = {}): Promise<{ log: TestLog; witness: RunningWitness }> {
  logs += 1;
  const log = new TestLog(`log.test/witness-${logs}`).grow(size);
  const witness = await startWitness([log.verifierKey], setup);
  running.push(witness);
  return { log, witness };
}

/** A witness that has cosigned the log at its present size. */
async function cosignedOnce(size: number): Promise<{ log: TestLog; witness: RunningWitness }> {
  const made = await followed(size);
  assertCosigned(made.witness, await made.witness.add(made.log.body(0)), made.log.checkpoint());
  return made;
}

const refusals = (witness: RunningWitness) =>
  readFileSync(path.join(witness.stateDir, 'refusals.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as {
          origin: string;
          status: number;
          reason: string;
          oldSize: number;
          checkpoint: string;
          at: string;
        },
    );

after(async () => {
  for (const witness of running) await witness.close();
  removeTempFolders();
});

describe('a witness cosigns a checkpoint that extends the latest one it cosigned', () => {
  it('cosigns a first checkpoint from old size 0: a cosignature over its text, with the time it carries', async () => {
    const { log, witness } = await followed(13);
    const reply = await witness.add(log.body(0));
    assert.equal(reply.type, 'text/plain; charset=utf-8');
    assertCosigned(witness, reply, log.checkpoint());
  });

  it('cosigns each extension given the consistency proof from the latest, whatever the sizes', async () => {
    const { log, witness } = await cosignedOnce(1);
    for (const size of [2, 3, 4, 7, 8, 9, 16, 17, 31, 32, 33, 100, 255, 256, 1000]) {
      const old = log.size;
      log.grow(size - old);
      assertCosigned(witness, await witness.add(log.body(old)), log.checkpoint());
    }
  });

  it('cosigns the latest checkpoint again (same size, same root), and ignores signatures by unknown keys', async () => {
    const { log, witness } = await cosignedOnce(21);
    const stranger = new TestLog('someone.else/log');
    const note = `${log.checkpoint()}${stranger.signer.signNote(log.text()).split('\n\n')[1]}`;
    assertCosigned(witness, await witness.add(requestBody(21, [], note)), note);
  });

  it('cosigns a checkpoint with extension lines over its whole text, extension lines included', async () => {
    const { log, witness } = await cosignedOnce(5);
    log.grow(6);
    const note = log.checkpoint(undefined, ['extension one', 'Zm9v']);
    assertCosigned(witness, await witness.add(requestBody(5, log.proof(5), note)), note);
  });
});

describe('a witness refuses a log it does not follow (404) and a signature it does not trust (403)', () => {
  it('answers 404 for a log it does not follow, whoever signed it', async () => {
    const { witness } = await followed(1);
    const stranger = new TestLog('log.test/not-followed').grow(4);
    const reply = await witness.add(stranger.body(0));
    assert.equal(reply.status, 404, reply.text);
  });

  it('answers 403 for a checkpoint signed by another key of the same name, or whose signature is broken', async () => {
    const { log, witness } = await followed(9);
    const impostor = new TestLog(log.origin, undefined, [...log.leaves]);
    assert.equal((await witness.add(impostor.body(0))).status, 403);
    const note = log.checkpoint();
    const [head = '', signatures = ''] = note.split('\n\n');
    const line = signatures.trimEnd();
    const bytes = Buffer.from(line.split(' ')[2] ?? '', 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    const broken = `${head}\n\n\u2014 ${log.origin} ${bytes.toString('base64')}\n`;
    assert.equal((await witness.add(requestBody(0, [], broken))).status, 403, 'a signature changed');
    const moved = `${log.fork().grow(1).text()}\n${line}\n`;
    assert.equal((await witness.add(requestBody(0, [], moved))).status, 403, 'the signature of another text');
    assertCosigned(witness, await witness.add(log.body(0)), note);
  });
});

describe('a witness refuses a submission the spec does not allow (400)', () => {
  it('answers 400 when the old size is larger than the checkpoint size', async () => {
    const { log, witness } = await cosignedOnce(10);
    const reply = await witness.add(requestBody(11, [], log.checkpoint()));
    assert.equal(reply.status, 400, reply.text);
  });

  it('answers 400 to a body that is not an old size line, proof lines, a blank line and a checkpoint', async () => {
    const { log, witness } = await cosignedOnce(6);
    log.grow(7);
    const proof = log.proof(6);
    const hash = (proof[0] as Buffer).toString('base64');
    const note = log.checkpoint();
    const bodies: [string, string][] = [
      ['no blank line', `old 6\n${hash}\n${note.replace('\n\n', '\n')}`],
      ['no old line', `\n${note}`],
      ['the old line alone', 'old 6\n'],
      ['an empty body', ''],
      ['old with no size', `old\n\n${note}`],
      ['two spaces', `old  6\n\n${note}`],
      ['a trailing space', `old 6 \n\n${note}`],
      ['a negative size', `old -6\n\n${note}`],
      ['hexadecimal', `old 0x6\n\n${note}`],
      ['a leading zero', requestBody('06', proof, note)],
      ['zero written twice', requestBody('00', [], note)],
      ['a plus sign', requestBody('+6', proof, note)],
      ['a size past 2^53', requestBody('9007199254740993', proof, note)],
      ['another word', `new 6\n\n${note}`],
      ['upper case', requestBody(6, proof, note).replace(/^old/, 'OLD')],
      ['64 proof lines', requestBody(6, Array(64).fill(proof[0]), note)],
      ['a proof line not base64', `old 6\n${hash.slice(0, -2)}!=\n\n${note}`],
      ['a proof line without padding', `old 6\n${hash.replace(/=$/, '')}\n\n${note}`],
      ['a proof line of 31 bytes', requestBody(6, [Buffer.alloc(31)], note)],
      ['a proof line of 33 bytes', requestBody(6, [Buffer.alloc(33)], note)],
      ['a proof line of a space', `old 6\n${hash}\n \n\n${note}`],
      ['a checkpoint with no signature', requestBody(6, proof, `${log.text()}\n`)],
      ['a checkpoint whose size has a leading zero', requestBody(6, proof, note.replace('\n13\n', '\n013\n'))],
    ];
    for (const [what, body] of bodies) {
      const reply = await witness.add(body);
      assert.equal(reply.status, 400, `${what}: ${reply.status} ${reply.text}`);
    }
    assertCosigned(witness, await witness.add(log.body(6)), note);
  });

  it('accepts 63 proof lines, the most a client may send (then judges the proof: 422)', async () => {
    const { log, witness } = await cosignedOnce(6);
    log.grow(7);
    const reply = await witness.add(requestBody(6, Array(63).fill(log.proof(6)[0]), log.checkpoint()));
    assert.equal(reply.status, 422, reply.text);
  });

  it('answers 400 to a proof with an old size of zero', async () => {
    const { log, witness } = await followed(8);
    const reply = await witness.add(requestBody(0, log.proof(4), log.checkpoint()));
    assert.equal(reply.status, 400, reply.text);
    assertCosigned(witness, await witness.add(log.body(0)), log.checkpoint());
  });
});

describe('a witness refuses what does not extend the latest checkpoint it cosigned (409, 422)', () => {
  it('answers 409 with the latest cosigned size (text/x.tlog.size) when the old size is not it', async () => {
    const { log, witness } = await followed(12);
    assertSizeTold(await witness.add(log.body(5)), 0);
    assertCosigned(witness, await witness.add(log.body(0)), log.checkpoint());
    log.grow(20);
    for (const old of [0, 1, 11, 13, 31]) assertSizeTold(await witness.add(log.body(old)), 12);
    assertCosigned(witness, await witness.add(log.body(12)), log.checkpoint());
    assertSizeTold(await witness.add(log.body(12)), 32);
  });

  it('answers 409 to a different tree of the size it cosigned: a split view', async () => {
    const { log, witness } = await cosignedOnce(40);
    const other = log.fork(39).grow(1);
    const reply = await witness.add(other.body(40));
    assert.equal(reply.status, 409, reply.text);
    assert.notEqual(reply.text, '40\n');
    const split = log.fork(30).grow(15);
    assert.equal((await witness.add(split.body(40))).status, 422, 'nor a different tree larger than it');
  });

  it('answers 422 to a consistency proof that does not verify', async () => {
    const { log, witness } = await cosignedOnce(11);
    log.grow(10);
    const proof = log.proof(11);
    const flipped = proof.map((hash, i) => (i === 1 ? Buffer.from(hash.map((b, j) => (j === 0 ? b ^ 1 : b))) : hash));
    const note = log.checkpoint();
    const cases: [string, Buffer[]][] = [
      ['a changed hash', flipped],
      ['a hash missing', proof.slice(1)],
      ['a hash more', [...proof, proof[0] as Buffer]],
      ['no proof', []],
      ['the proof between other sizes', log.proof(10)],
      ['the hashes in another order', [...proof].reverse()],
    ];
    for (const [what, bad] of cases) {
      const reply = await witness.add(requestBody(11, bad, note));
      assert.equal(reply.status, 422, `${what}: ${reply.status} ${reply.text}`);
    }
    assertCosigned(witness, await witness.add(log.body(11)), note);
  });

  it('never cosigns a rollback: a smaller tree (400 or 409), or one grown again past it from a cut (422)', async () => {
    const { log, witness } = await cosignedOnce(50);
    assert.equal((await witness.add(requestBody(50, [], log.checkpoint(45)))).status, 400);
    assertSizeTold(await witness.add(requestBody(45, [], log.checkpoint(45))), 50);
    assertSizeTold(await witness.add(requestBody(0, [], log.checkpoint(45))), 50);
    const regrown = log.fork(45).grow(10);
    const reply = await witness.add(requestBody(50, regrown.proof(50), regrown.checkpoint()));
    assert.equal(reply.status, 422, reply.text);
    log.grow(1);
    assertCosigned(witness, await witness.add(log.body(50)), log.checkpoint());
  });

  it('keeps each refusal that proves the log inconsistent (a split view, a proof that fails) in refusals.jsonl, once, with why', async () => {
    const { log, witness } = await cosignedOnce(30);
    const split = log.fork(29).grow(1).body(30);
    assert.equal((await witness.add(split)).status, 409);
    const regrown = log.fork(20).grow(20);
    const rollback = requestBody(30, regrown.proof(30), regrown.checkpoint());
    assert.equal((await witness.add(rollback)).status, 422);
    assert.equal((await witness.add(rollback)).status, 422, 'the same evidence again');
    assertSizeTold(await witness.add(log.body(0)), 30);
    const kept = refusals(witness);
    assert.deepEqual(
      kept.map((r) => [r.origin, r.status, r.oldSize]),
      [
        [log.origin, 409, 30],
        [log.origin, 422, 30],
      ],
      'each once; a stale size is not evidence',
    );
    assert.ok(split.includes(kept[0]?.checkpoint as string) && rollback.includes(kept[1]?.checkpoint as string));
    assert.match(kept[0]?.reason ?? '', /split view/);
    assert.match(kept[1]?.reason ?? '', /does not extend/);
  });
});

describe("a witness's record of each log", () => {
  it('survives a restart: a new witness on the same state folder and key goes on from the latest size', async () => {
    const { log, witness } = await cosignedOnce(17);
    log.grow(3);
    assertCosigned(witness, await witness.add(log.body(17)), log.checkpoint());
    await witness.close();
    const again = await startWitness([log.verifierKey], { stateDir: witness.stateDir, keyFile: witness.keyFile });
    running.push(again);
    assert.equal(again.verifierKey, witness.verifierKey, 'the same key');
    assertSizeTold(await again.add(log.body(0)), 20);
    assert.equal((await again.add(log.fork(19).grow(1).body(20))).status, 409, 'still refuses a split view');
    log.grow(5);
    assertCosigned(again, await again.add(log.body(20)), log.checkpoint());
  });

  it('cosigns exactly one of two extensions sent at once from the same old size; the other gets 409', async () => {
    const { log, witness } = await cosignedOnce(64);
    for (let round = 0; round < 12; round += 1) {
      const old = log.size;
      // Two at once, and in the last rounds six: every extension is consistent with the old size.
      const forks = Array.from({ length: round < 9 ? 2 : 6 }, (_, i) => log.fork().grow(1 + round + i));
      const replies = await Promise.all(forks.map((fork) => witness.add(fork.body(old))));
      const won = replies.flatMap((reply, i) => (reply.status === 200 ? [i] : []));
      assert.equal(won.length, 1, JSON.stringify(replies));
      const winner = forks[won[0] as number] as TestLog;
      assertCosigned(witness, replies[won[0] as number] as (typeof replies)[0], winner.checkpoint());
      for (const [i, reply] of replies.entries()) if (i !== won[0]) assertSizeTold(reply, winner.size);
      log.leaves.splice(0, log.size, ...winner.leaves);
    }
  });
});

const leds = path.resolve(import.meta.dirname, '..', 'bin', 'leds.js');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `leds witness serve` until it says where it listens; `stop` ends that process (by its own handle). */
async function serveCommand(args: string[]) {
  const child = spawn(process.execPath, [leds, 'witness', 'serve', ...args], { stdio: 'pipe' });
  child.stdout.setEncoding('utf8');
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('is listening on')) resolve(text);
    });
    child.on('exit', () => reject(new Error(`leds witness serve ended: ${text}`)));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  };
  return { output, stop };
}

describe('leds witness, the command', () => {
  const folder = tempFolder('leds-witness-cli-');
  const keyFile = path.join(folder, 'witness.pem');
  const name = ['--name', 'witness.test/cli', '--key-file', keyFile];
  const log = new TestLog('log.test/cli').grow(9);

  it('prints the verifier key of its key file, and serves add-checkpoint cosigning with that key', async () => {
    const key = spawnSync(process.execPath, [leds, 'witness', 'key', ...name], { encoding: 'utf8' });
    assert.equal(key.status, 0, key.stderr);
    const verifierKey = key.stdout.trim();
    const port = await freePort();
    const state = ['--state-dir', path.join(folder, 'state'), '--log', log.verifierKey, '--port', String(port)];
    const served = await serveCommand([...name, ...state]);
    try {
      assert.match(served.output, new RegExp(`witness ${verifierKey.replaceAll('+', '\\+')} is listening on`));
      const response = await fetch(`http://127.0.0.1:${port}/add-checkpoint`, { method: 'POST', body: log.body(0) });
      const text = await response.text();
      assert.equal(response.status, 200, text);
      const seconds = new CosignatureVerifier(verifierKey).timestampOf(log.text(), parseSignatureLines(text));
      assert.ok(seconds && Math.abs(seconds - Date.now() / 1000) < 60, 'cosigned now');
    } finally {
      await served.stop();
    }
  });

  it('with --port 0 it prints the port it listens on', async () => {
    const state = ['--state-dir', path.join(folder, 'state-0'), '--log', log.verifierKey, '--port', '0'];
    const served = await serveCommand([...name, ...state]);
    try {
      const url = /is listening on (http:\/\/\S+)\/add-checkpoint/.exec(served.output)?.[1] ?? '';
      assert.notEqual(new URL(url).port, '0', served.output);
      assert.equal((await fetch(`${url}/add-checkpoint`, { method: 'POST', body: log.body(0) })).status, 200);
    } finally {
      await served.stop();
    }
  });
});
