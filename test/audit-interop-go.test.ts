import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inArray } from 'drizzle-orm';
import { auditEntries } from '../src/modules/audit/audit.tables.ts';
import { Cosigner } from '../src/modules/audit/witness-cosignature.ts';
import { assertAuditLogVerifies } from './support/audit.ts';
import { buildGoProgram, goMissing, goSkip } from './support/go.ts';
import { startTestServices, type TestServices } from './support/services.ts';

// LEDS says its checkpoints are C2SP signed notes that the Go checksum database's packages open, and that its
// proofs are RFC 9162's. Its own verifier agreeing with its own signer proves neither; this file has
// golang.org/x/mod's sumdb/note and sumdb/tlog check them (interop/go/audit-check), and checks that they refuse
// the same material with one byte changed, so a pass means they looked.

const missing = goMissing();

interface InteropInput {
  logKey: string;
  origin: string;
  witnesses: string[];
  checkpoints: string[];
  inclusion: { seq: number; treeSize: number; leafHash: string; rootHash: string; proof: string[]; entry: string }[];
  consistency: { from: number; to: number; fromRoot: string; toRoot: string; proof: string[] }[];
}

let services: TestServices;
let folder: string;
let checker: string;
let good: InteropInput;

function check(input: InteropInput): { status: number | null; output: string } {
  const run = spawnSync(checker, [], { input: JSON.stringify(input), encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}${run.error ?? ''}` };
}

/** Some audited actions: each organisation made, and the agreement it is given, is an audit entry. */
async function writeAuditEntries(prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await services.actingFor(`${prefix}${i}`, ['OFFICER'], 'INVESTIGATION');
}

async function signedCheckpoint(): Promise<string> {
  const checkpoint = await services.audit.signCheckpoint();
  assert.ok(checkpoint, 'a checkpoint is signed over the new entries');
  return checkpoint.note;
}

const textOf = (note: string) => note.slice(0, note.indexOf('\n\n') + 1);

async function entryTexts(seqs: number[]): Promise<Map<number, string>> {
  const rows = await services.database.db
    .select({ seq: auditEntries.seq, entry: auditEntries.entry })
    .from(auditEntries)
    .where(inArray(auditEntries.seq, seqs));
  return new Map(rows.map((r) => [Number(r.seq), r.entry]));
}

async function inclusionProofs(treeSize: number, seqs: number[]): Promise<InteropInput['inclusion']> {
  const entries = await entryTexts(seqs);
  return Promise.all(
    seqs.map(async (seq) => ({
      ...(await services.audit.inclusionProof(seq, treeSize)),
      entry: entries.get(seq) as string,
    })),
  );
}

/** Two checkpoints, the second over more entries, each cosigned by a new witness, and proofs between them. */
async function buildInput(): Promise<InteropInput> {
  const witness = new Cosigner('witness.leds.test/go-interop', generateKeyPairSync('ed25519').privateKey);
  const timestamp = Math.floor(services.clock.now().getTime() / 1000);
  const cosigned = (note: string) => note + witness.cosign(textOf(note), timestamp);
  await writeAuditEntries('GOA', 3);
  const older = await signedCheckpoint();
  const from = await services.auditLog.size();
  await writeAuditEntries('GOB', 4);
  const newer = await signedCheckpoint();
  const to = await services.auditLog.size();
  return {
    logKey: services.audit.verifierKey,
    origin: services.config.audit.origin,
    witnesses: [witness.verifierKey],
    checkpoints: [cosigned(older), cosigned(newer)],
    inclusion: [...(await inclusionProofs(from, [0, from - 1])), ...(await inclusionProofs(to, [0, from, to - 1]))],
    consistency: [await services.audit.consistencyProof(from, to)],
  };
}

/** `base64` with one byte of what it encodes changed; re-encoded, so the change is not lost to lax decoding. */
function changedByte(base64: string, at: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[at] = (bytes[at] as number) ^ 0x01;
  return bytes.toString('base64');
}

/** A note with one byte changed in the signature of the signature line that `line` picks (0 is the log's). */
function changedSignature(note: string, line: number): string {
  const [text, signatures] = [textOf(note), note.slice(note.indexOf('\n\n') + 2)];
  const lines = signatures.split('\n');
  const [dash, name, signature] = (lines[line] as string).split(' ');
  // Past the 4-byte key id: a changed id would only make the signature an unknown key's.
  lines[line] = `${dash} ${name} ${changedByte(signature as string, 12)}`;
  return `${text}\n${lines.join('\n')}`;
}

/** The input with one change made to a copy. */
function tampered(change: (input: InteropInput) => void): InteropInput {
  const copy = structuredClone(good);
  change(copy);
  return copy;
}

describe('the Go checksum database packages check LEDS audit material', { skip: goSkip(missing) }, () => {
  before(async () => {
    if (missing) throw new Error(`LEDS_REQUIRE_GO_INTEROP=1, and ${missing}`);
    folder = await mkdtemp(path.join(tmpdir(), 'leds-go-interop-'));
    checker = buildGoProgram(folder, 'audit-check');
    services = await startTestServices();
    good = await buildInput();
  });

  after(async () => {
    await services?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('opens both checkpoints, checks the cosignatures and every inclusion and consistency proof', () => {
    const result = check(good);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /^ok {3}checkpoint 1 opens with /m);
    assert.match(result.output, /^ok {3}witness\.leds\.test\/go-interop cosigned the checkpoint of size \d+$/m);
    assert.match(result.output, /^ok {3}the checkpoint of size \d+ extends the one of size \d+$/m);
    assert.match(result.output, /^12 passed, 0 failed$/m);
  });

  // A checkpoint that does not open takes the checks made against it down with it; anything else fails alone.
  const refusals: [string, (input: InteropInput) => void, RegExp, 'alone' | 'with what rests on it'][] = [
    [
      "a checkpoint's text",
      (input) => {
        const note = input.checkpoints[1] as string;
        const root = textOf(note).split('\n')[2] as string;
        input.checkpoints[1] = note.replace(`\n${root}\n`, `\n${changedByte(root, 7)}\n`);
      },
      /^FAIL checkpoint 1 opens with .*: invalid signature for key /m,
      'with what rests on it',
    ],
    [
      "a checkpoint's signature",
      (input) => {
        input.checkpoints[0] = changedSignature(input.checkpoints[0] as string, 0);
      },
      /^FAIL checkpoint 0 opens with .*: invalid signature for key /m,
      'with what rests on it',
    ],
    [
      'a cosignature',
      (input) => {
        input.checkpoints[1] = changedSignature(input.checkpoints[1] as string, 1);
      },
      /^FAIL witness\.leds\.test\/go-interop cosigned the checkpoint of size \d+: .* does not verify$/m,
      'alone',
    ],
    [
      'an inclusion proof hash',
      (input) => {
        const proof = input.inclusion[3]?.proof as string[];
        proof[0] = changedByte(proof[0] as string, 3);
      },
      /^FAIL entry \d+ is in the checkpoint of size \d+: invalid transparency proof$/m,
      'alone',
    ],
    [
      'a consistency proof hash',
      (input) => {
        const proof = input.consistency[0]?.proof as string[];
        proof[proof.length - 1] = changedByte(proof[proof.length - 1] as string, 3);
      },
      /^FAIL the checkpoint of size \d+ extends the one of size \d+: invalid transparency proof$/m,
      'alone',
    ],
  ];
  for (const [what, change, reason, alone] of refusals)
    it(`fails when one byte of ${what} is changed`, () => {
      const result = check(tampered(change));
      assert.notEqual(result.status, 0, `the change went unnoticed:\n${result.output}`);
      assert.match(result.output, reason);
      if (alone === 'alone') assert.match(result.output, /^11 passed, 1 failed$/m, 'only the changed thing fails');
    });

  it("fails when an entry's text is not what its leaf hash was made from", () => {
    const result = check(
      tampered((input) => {
        const proof = input.inclusion[0] as InteropInput['inclusion'][number];
        proof.entry = proof.entry.replace('"seq":0', '"seq":1');
      }),
    );
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /^FAIL entry 0 is in the checkpoint of size \d+: the leaf hash is not /m);
  });

  it('leaves an audit log that still verifies', async () => {
    await assertAuditLogVerifies(services);
  });
});
