// Writes test/signed-notes/corpus.json, the corpus of valid and invalid signed notes (see README.md).
// Run: node --import tsx test/signed-notes/generate.ts
// The test keys come from fixed seeds and Ed25519 is deterministic, so the same corpus comes out every time; the
// corpus test checks that the committed file is what this writes.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckpointError, CheckpointSigner } from '../../src/modules/audit/signed-checkpoint.ts';
import { Cosigner } from '../../src/modules/audit/witness-cosignature.ts';
import { invalidCharacters, invalidLimits, invalidUtf8 } from './character-cases.ts';
import { invalidCheckpoints, validCheckpoints } from './checkpoint-cases.ts';
import { type Corpus, corpusFile } from './corpus.ts';
import { keys, text } from './entries.ts';
import { signedNote } from './keys.ts';
import {
  invalidBase64,
  invalidLines,
  invalidNames,
  invalidSignatures,
  invalidStructure,
  validNotes,
} from './note-cases.ts';

const about =
  'C2SP signed notes (signed-note, tlog-checkpoint, tlog-cosignature), valid and invalid, for any verifier to be ' +
  'tested against. Written by generate.ts; README.md says where each rule comes from. The keys are TEST KEYS made ' +
  'from published seeds: anyone can sign with them, so nothing they sign means anything.';

export function buildCorpus(): Corpus {
  const notes = [
    ...validNotes(),
    ...validCheckpoints(),
    ...invalidStructure(),
    ...invalidSignatures(),
    ...invalidBase64(),
    ...invalidNames(),
    ...invalidLines(),
    ...invalidCharacters(),
    ...invalidUtf8(),
    ...invalidLimits(),
    ...invalidCheckpoints(),
  ];
  const names = new Set(notes.map((n) => n.name));
  if (names.size !== notes.length) throw new Error('two corpus entries have one name');
  return { about, keys: Object.fromEntries([...keys].map(([id, key]) => [id, key.corpusKey])), notes };
}

/**
 * LEDS's own signers, given the corpus's seeds, make the same keys and write the same lines: the corpus signs on
 * its own (keys.ts) so that it does not take LEDS's word, and this shows the two read the specification alike.
 */
function checkLedsSignersAgree(): void {
  for (const key of keys.values()) {
    if (key.type === 4) {
      const cosigner = new Cosigner(key.name, key.privateKey);
      if (cosigner.verifierKey !== key.verifierKey) throw new Error(`${key.id}: LEDS makes another cosigner key`);
      const checkpoint = `${key.name}\n1\n${Buffer.alloc(32).toString('base64')}\n`;
      if (cosigner.cosign(checkpoint, 1) !== `${key.cosignatureLine(checkpoint, 1)}\n`)
        throw new Error(`${key.id}: LEDS cosigns otherwise`);
      continue;
    }
    let signer: CheckpointSigner;
    try {
      signer = CheckpointSigner.fromSeed(key.name, key.seed);
    } catch (error) {
      // Two valid key names LEDS refuses (README.md); the corpus test is where that shows.
      if (error instanceof CheckpointError) continue;
      throw error;
    }
    if (signer.verifierKey !== key.verifierKey) throw new Error(`${key.id}: LEDS makes another verifier key`);
    if (signer.signNote(text) !== signedNote(text, [key.line(text)]))
      throw new Error(`${key.id}: LEDS signs otherwise`);
  }
}

function write(): void {
  checkLedsSignersAgree();
  const corpus = buildCorpus();
  const file = fileURLToPath(corpusFile);
  writeFileSync(file, `${JSON.stringify(corpus, null, 2)}\n`);
  // biome checks test/**, JSON too: the file is written in its format, so `npm run lint` passes on it as written.
  const root = path.resolve(path.dirname(file), '..', '..');
  const biome = spawnSync(path.join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', file], {
    cwd: root,
    encoding: 'utf8',
  });
  if (biome.status !== 0) throw new Error(`biome format failed:\n${biome.stdout}${biome.stderr}${biome.error ?? ''}`);
  const valid = corpus.notes.filter((n) => n.valid).length;
  console.log(`${corpus.notes.length} notes (${valid} valid, ${corpus.notes.length - valid} invalid) in ${file}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) write();
