import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CheckpointVerifier } from '../src/modules/audit/signed-checkpoint.ts';
import { noteText } from '../src/modules/audit/signed-note.ts';
import { type CorpusEntry, corpusFile, readCorpus } from './signed-notes/corpus.ts';
import { buildGoProgram, goMissing, goSkip } from './support/go.ts';

// LEDS's signed-note parser and golang.org/x/mod/sumdb/note (the Go checksum database's, where the format comes
// from) read every note of test/signed-notes the same way: interop/go/note-corpus opens each with Go's
// note.Open, and each verdict is held against LEDS's openNote with the same key. Where the two knowingly part, the
// note is listed below with why, and it must still differ, so that a new disagreement and a stale entry both fail.
// Go's package is a signed-note verifier only: for a checkpoint or a cosignature, what is compared is whether the
// note opens; the checkpoint and cosignature rules are held by src/modules/audit/signed-note.test.ts.

/**
 * Notes on which Go's note.Open and LEDS knowingly differ, and why. On each, LEDS gives the corpus's verdict
 * (signed-note.test.ts checks that); Go is more lenient, or is given another note than LEDS.
 */
const knownDifferences: Record<string, string> = {
  'invalid/base64-non-canonical':
    'Go decodes with base64.StdEncoding, not its Strict() form, and so ignores pad bits that are set; RFC 4648 section 3.5 lets a decoder reject them, and LEDS does, so that one signature has one encoding',
  'invalid/known-key-right-then-wrong':
    "Go's note.Open verifies the first signature of a key and drops later ones as duplicates unread; signed-note says a signature whose key name and ID are known MUST be verified, and LEDS verifies each",
  'invalid/sixty-five-signatures':
    "Go's limit is 100 signatures, LEDS's 64 (maxNoteSignatures); signed-note leaves the limit to the verifier, who MUST accept at least 16",
  'invalid/lone-high-surrogate':
    "no UTF-8 holds a lone surrogate: Go's encoding/json reads the \\ud800 escape as U+FFFD, which is the note that was signed, so Go is given another note than LEDS",
  'invalid/lone-low-surrogate-in-key-name':
    'no UTF-8 holds a lone surrogate: Go is given the key name `notes.test/\uFFFD`, a good name of an unknown key, so another note than LEDS',
};

interface Verdict {
  key: string;
  opens: boolean;
  error?: string;
}

const corpus = readCorpus();
const missing = goMissing();
let folder: string;
let goVerdicts: Map<string, Verdict[]>;

/** What LEDS makes of the note with one signed-note key: the same question note.Open answers. */
function ledsVerdict(entry: CorpusEntry, key: string): Verdict {
  try {
    const note =
      entry.noteBase64 === undefined ? (entry.note ?? '') : noteText(Buffer.from(entry.noteBase64, 'base64'));
    new CheckpointVerifier(corpus.keys[key]?.verifierKey ?? '').openNote(note);
    return { key, opens: true };
  } catch (error) {
    return { key, opens: false, error: (error as Error).message };
  }
}

const said = (v: Verdict) => (v.opens ? 'opens it' : `refuses it (${v.error})`);

function runGo(program: string): Map<string, Verdict[]> {
  const run = spawnSync(program, [fileURLToPath(corpusFile)], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, `note-corpus failed:\n${run.stderr}${run.error ?? ''}`);
  const results = JSON.parse(run.stdout) as { name: string; verdicts: Verdict[] }[];
  return new Map(results.map((r) => [r.name, r.verdicts]));
}

describe("LEDS and Go's sumdb/note agree on the signed-note corpus", { skip: goSkip(missing) }, () => {
  before(async () => {
    if (missing) throw new Error(`LEDS_REQUIRE_GO_INTEROP=1, and ${missing}`);
    folder = await mkdtemp(path.join(tmpdir(), 'leds-go-notes-'));
    const program = buildGoProgram(folder, 'note-corpus');
    const started = performance.now();
    goVerdicts = runGo(program);
    console.log(`# note-corpus on ${corpus.notes.length} notes: ${Math.round(performance.now() - started)} ms`);
  });

  after(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('Go gave a verdict on every note, with each of its keys and witnesses', () => {
    assert.deepEqual(
      [...goVerdicts.keys()],
      corpus.notes.map((n) => n.name),
    );
    for (const entry of corpus.notes)
      assert.deepEqual(
        goVerdicts.get(entry.name)?.map((v) => v.key),
        [...entry.keys, ...(entry.cosignatures ?? []).map((c) => c.key)],
      );
  });

  it('every known difference names a note of the corpus', () => {
    const names = new Set(corpus.notes.map((n) => n.name));
    for (const name of Object.keys(knownDifferences)) assert.ok(names.has(name), `no note ${name} in the corpus`);
  });

  it('Go knows no cosignature keys (type 0x04, c2sp.org/tlog-cosignature): those are checked by LEDS alone', () => {
    const witnesses = new Set(corpus.notes.flatMap((n) => (n.cosignatures ?? []).map((c) => c.key)));
    assert.ok(witnesses.size > 0);
    for (const verdicts of goVerdicts.values())
      for (const v of verdicts.filter((v) => witnesses.has(v.key)))
        assert.deepEqual(v, { key: v.key, opens: false, error: 'the verifier key: unknown verifier algorithm' });
  });

  for (const entry of corpus.notes)
    it(entry.name, () => {
      const known = knownDifferences[entry.name];
      for (const key of entry.keys) {
        const go = goVerdicts.get(entry.name)?.find((v) => v.key === key);
        assert.ok(go, `Go gave no verdict with ${key}`);
        const leds = ledsVerdict(entry, key);
        if (known) {
          assert.notEqual(
            leds.opens,
            go.opens,
            `LEDS and Go now agree (both ${said(go)}): remove it from knownDifferences`,
          );
          continue;
        }
        assert.equal(leds.opens, go.opens, `with ${key}, LEDS ${said(leds)} and Go ${said(go)}`);
        // A note's own rules are signed-note's, so Go's verdict on them is the corpus's; a checkpoint or
        // cosignature that breaks its rules is still a good note.
        if (entry.kind === 'note')
          assert.equal(go.opens, entry.valid, `Go ${said(go)}, and it is ${entry.valid ? 'valid' : 'invalid'}`);
      }
    });
});
