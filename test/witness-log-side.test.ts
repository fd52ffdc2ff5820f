import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { asc } from 'drizzle-orm';
import { loadConfig } from '../src/config/config.ts';
import { auditCosignatures } from '../src/modules/audit/audit.tables.ts';
import { Cosigner } from '../src/modules/audit/index.ts';
import { parseSignedNote } from '../src/modules/audit/signed-note.ts';
import { testDatabaseKind } from './support/database.ts';
import { startTestServices, type TestServices } from './support/services.ts';
import { removeTempFolders, tempFolder } from './support/witness.ts';

/**
 * LEDS's side of c2sp.org/tlog-witness (witness-cosigning.ts) against a witness that lies, stalls or floods: every
 * answer but a cosignature by the witness's own key over the checkpoint is a problem in the status, never a
 * cosignature kept, and no answer can hang the signing or crash it. The outside review found each fault named below.
 */

type Answer = (request: { old: number; text: string; url: string }, res: ServerResponse) => unknown;

const witnessName = 'witness.test/malicious';
const cosigner = new Cosigner(witnessName, generateKeyPairSync('ed25519').privateKey);
const impostor = new Cosigner(witnessName, generateKeyPairSync('ed25519').privateKey);
const honest: Answer = ({ text }, res) => {
  res.end(cosigner.cosign(text, 1_790_000_000));
};

let answer: Answer = honest;
const requests: { old: number; url: string }[] = [];
let witness: Server;
let services: TestServices;

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** The witness's checkpoint text as LEDS sent it, from an add-checkpoint body. */
function submission(body: string, url: string) {
  const note = body.slice(body.indexOf('\n\n') + 2);
  return { old: Number(/^old (\d+)\n/.exec(body)?.[1]), text: parseSignedNote(note).text, url };
}

let versions = 0;
/** Writes an entry and signs; returns the status and the cosignature rows now kept. */
async function signWith(next: Answer) {
  answer = next;
  requests.length = 0;
  versions += 1;
  await services.audit.recordPolicyVersion(`log-side-${versions}`);
  const started = Date.now();
  const signed = await services.audit.signCheckpoint();
  assert.ok(signed, 'a checkpoint was signed');
  const rows = await services.database.db.select().from(auditCosignatures).orderBy(asc(auditCosignatures.treeSize));
  const status = services.audit.checkpointStatus;
  return {
    signed,
    status,
    problems: status?.witnessProblems.join('\n') ?? '',
    cosignedNow: rows.some((r) => r.treeSize === signed.treeSize),
    rows,
    took: Date.now() - started,
  };
}

before(async () => {
  witness = await listen((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const request = submission(body, req.url ?? '');
      requests.push({ old: request.old, url: request.url });
      void answer(request, res);
    });
  });
  const audit = loadConfig({ LEDS_AUDIT_WITNESS_TIMEOUT_MS: '500' }, { dataDir: tempFolder('leds-log-side-') }).audit;
  services = await startTestServices({ audit });
  services.audit.addWitness(urlOf(witness), cosigner.verifierKey);
});

after(async () => {
  witness.closeAllConnections();
  await new Promise((resolve) => witness.close(resolve));
  await services.close();
  removeTempFolders();
});

describe(`LEDS refuses every answer of a witness but its cosignature, on ${testDatabaseKind}`, () => {
  it('reads LEDS_AUDIT_WITNESS_TIMEOUT_MS, and keeps an honest cosignature', async () => {
    assert.equal(services.config.audit.witnessTimeoutMs, 500);
    const result = await signWith(honest);
    assert.deepEqual(result.status?.witnessProblems, []);
    assert.equal(result.status?.witnessed, true);
    assert.ok(result.cosignedNow);
    assert.deepEqual(requests, [{ old: 0, url: '/add-checkpoint' }]);
  });

  it('keeps nothing from garbage answered with 200', async () => {
    for (const garbage of ['', 'ok', '<html>cosigned</html>', '\u2014 witness.test/malicious AAAA\n', '\n\n\n']) {
      const result = await signWith((_, res) => res.end(garbage));
      assert.equal(result.status?.witnessed, false, JSON.stringify(garbage));
      assert.equal(result.cosignedNow, false);
      assert.match(result.problems, /not signature lines|no cosignature by its key/);
    }
  });

  it('keeps no cosignature by another key of the witness name, nor one of another checkpoint', async () => {
    const byImpostor = await signWith(({ text }, res) => res.end(impostor.cosign(text, 1_790_000_000)));
    assert.match(byImpostor.problems, /no cosignature by its key/);
    assert.equal(byImpostor.cosignedNow, false);
    const ofAnother = await signWith(({ text }, res) => res.end(cosigner.cosign(text.replace(/\n\d+\n/, '\n1\n'), 1)));
    assert.match(ofAnother.problems, /does not verify/);
    assert.equal(ofAnother.cosignedNow, false);
  });

  it('keeps only its own line out of an answer that holds other lines too', async () => {
    const result = await signWith(({ text }, res) =>
      res.end(`${impostor.cosign(text, 5).replace(witnessName, 'someone.else/w')}${cosigner.cosign(text, 7)}`),
    );
    assert.equal(result.status?.witnessed, true, result.problems);
    const kept = result.rows.find((r) => r.treeSize === result.signed.treeSize);
    assert.equal(`${kept?.line}\n`, cosigner.cosign(parseSignedNote(result.signed.note).text, 7));
  });

  it('resends once from the size a 409 tells, and reports a second 409 or a size beyond its own', async () => {
    const told = (size: string) => (_: unknown, res: ServerResponse) => {
      res.writeHead(409, { 'content-type': 'text/x.tlog.size' }).end(size);
    };
    const again = await signWith(told('2\n'));
    assert.deepEqual(
      requests.map((r) => r.old),
      [again.rows.at(-1)?.treeSize, 2],
    );
    assert.match(again.problems, /refused the checkpoint .* \(409\)/);
    for (const huge of ['99999999999999999999999\n', `${Number.MAX_SAFE_INTEGER}\n`]) {
      const result = await signWith(told(huge));
      assert.equal(requests.length, 1, 'not sent again');
      assert.match(result.problems, /rolled back/);
      assert.equal(result.status?.witnessed, false);
    }
    const malformed = await signWith(told('12 \n'));
    assert.equal(requests.length, 1);
    assert.match(malformed.problems, /\(409\): "?12/);
  });

  it('gives up on a witness that never answers, or drips its answer, after LEDS_AUDIT_WITNESS_TIMEOUT_MS', async () => {
    const silent = await signWith(() => undefined);
    assert.ok(silent.took < 3000, `took ${silent.took} ms`);
    assert.match(silent.problems, /timeout|aborted/i);
    const drip = await signWith((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('\u2014'), 50);
      res.on('close', () => clearInterval(timer));
    });
    assert.ok(drip.took < 3000, `took ${drip.took} ms`);
    assert.match(drip.problems, /timeout|aborted/i);
    assert.equal(drip.status?.witnessed, false);
    assert.ok((await signWith(honest)).status?.witnessed, 'and takes its cosignatures again once it answers');
  });
});

describe(`LEDS's side of tlog-witness, as the outside review broke it (witness-cosigning.ts), on ${testDatabaseKind}`, () => {
  it('it reads no more than 64 KiB of a witness answer, and quotes 200 characters of it', async () => {
    const total = 64 * 1024 * 1024;
    let sent = 0;
    const result = await signWith(async (_, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let closed = false;
      res.on('close', () => {
        closed = true;
      });
      while (sent < total && !closed) {
        sent += chunk.length;
        if (!res.write(chunk))
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done).off('close', done);
              resolve();
            };
            res.on('drain', done).on('close', done);
          });
      }
      res.end();
    });
    assert.equal(result.status?.witnessed, false);
    assert.ok(result.problems.length < 2000, `the status holds ${result.problems.length} characters of the answer`);
    assert.ok(sent < total / 4, `LEDS read ${sent} bytes of the answer before it hung up`);
  });

  it('it follows no witness redirect, so posts nowhere the witness names', async () => {
    const hits: string[] = [];
    const inside = await listen((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(403, { 'content-type': 'text/plain' }).end('internal-only: the admin token is hunter2');
    });
    try {
      const result = await signWith((_, res) => {
        res.writeHead(307, { location: `${urlOf(inside)}/internal/admin` }).end();
      });
      assert.equal(result.status?.witnessed, false);
      assert.deepEqual(hits, [], 'LEDS posted only to the witness it was given');
      assert.doesNotMatch(result.problems, /hunter2/);
    } finally {
      inside.closeAllConnections();
      await new Promise((resolve) => inside.close(resolve));
    }
  });
});
