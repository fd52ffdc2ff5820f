import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  consistencyProofRanges,
  foldRange,
  inclusionProofRanges,
  leafHash,
  rangeNodes,
  rootOfLeaves,
  TreeFrontier,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

// Copied into the repository with their licence and source (test/vectors/rfc9162-merkle/README.md).
const vectors = path.resolve(import.meta.dirname, '../../../test/vectors/rfc9162-merkle');

function jsonFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? jsonFiles(path.join(folder, entry.name))
      : entry.name.endsWith('.json')
        ? [path.join(folder, entry.name)]
        : [],
  );
}

const b64 = (value: string | null) => Buffer.from(value ?? '', 'base64');
const proofOf = (value: string[] | null) => (value ?? []).map(b64);

describe('RFC 9162 inclusion vectors', () => {
  for (const file of jsonFiles(path.join(vectors, 'inclusion'))) {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    const name = path.relative(vectors, file);
    test(`${name} is ${v.wantErr ? 'rejected' : 'accepted'}`, () => {
      const check = () => verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proofOf(v.proof), b64(v.root));
      if (v.wantErr) assert.throws(check);
      else check();
    });
  }
});

describe('RFC 9162 consistency vectors', () => {
  for (const file of jsonFiles(path.join(vectors, 'consistency'))) {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    const name = path.relative(vectors, file);
    test(`${name} is ${v.wantErr ? 'rejected' : 'accepted'}`, () => {
      const check = () => verifyConsistency(v.size1, v.size2, proofOf(v.proof), b64(v.root1), b64(v.root2));
      if (v.wantErr) assert.throws(check);
      else check();
    });
  }
});

/** The leaves of the RFC 6962 reference tree the vectors were made from. */
const referenceLeaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
]
  .map((hex) => Buffer.from(hex, 'hex'))
  .map((entry) => leafHash(entry));

/** Hashes of stored nodes, as audit storage would answer them, computed here from the leaves. */
function nodeSource(leaves: Buffer[]) {
  return (start: number, end: number) =>
    foldRange(
      rangeNodes(start, end).map(({ level, index }) =>
        rootOfLeaves(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)),
      ),
    );
}

describe('Merkle proofs LEDS makes', () => {
  test('the reference tree of eight leaves has the root in the vectors', () => {
    assert.equal(rootOfLeaves(referenceLeaves).toString('base64'), 'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=');
  });

  test('the inclusion proof of leaf 5 in a tree of 8 equals the vector', () => {
    const range = nodeSource(referenceLeaves);
    const proof = inclusionProofRanges(5, 8).map(([a, b]) => range(a, b).toString('base64'));
    const vector = JSON.parse(readFileSync(path.join(vectors, 'inclusion/2/happy-path.json'), 'utf8'));
    assert.deepEqual(proof, vector.proof);
  });

  test('the consistency proof from 6 to 8 equals the vector', () => {
    const range = nodeSource(referenceLeaves);
    const proof = consistencyProofRanges(6, 8).map(([a, b]) => range(a, b).toString('base64'));
    const vector = JSON.parse(readFileSync(path.join(vectors, 'consistency/2/happy-path.json'), 'utf8'));
    assert.deepEqual(proof, vector.proof);
  });

  test('every inclusion and consistency proof up to 40 leaves verifies, and a changed hash fails', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => leafHash(`entry ${i}`));
    const range = nodeSource(leaves);
    for (let n = 1; n <= leaves.length; n += 1) {
      const root = rootOfLeaves(leaves.slice(0, n));
      for (let m = 0; m < n; m += 1) {
        const proof = inclusionProofRanges(m, n).map(([a, b]) => range(a, b));
        verifyInclusion(m, n, leaves[m] as Buffer, proof, root);
        if (proof.length > 0) {
          const broken = proof.map((h, i) => (i === 0 ? leafHash('forged') : h));
          assert.throws(() => verifyInclusion(m, n, leaves[m] as Buffer, broken, root));
        }
      }
      for (let m = 1; m <= n; m += 1) {
        const proof = consistencyProofRanges(m, n).map(([a, b]) => range(a, b));
        verifyConsistency(m, n, proof, rootOfLeaves(leaves.slice(0, m)), root);
        if (m < n) assert.throws(() => verifyConsistency(m, n, proof, leafHash('forged'), root));
      }
    }
  });

  test('a frontier grown leaf by leaf has the same root as the whole tree, and reports each completed node', () => {
    const leaves = Array.from({ length: 37 }, (_, i) => leafHash(`entry ${i}`));
    const frontier = new TreeFrontier();
    let nodes = 0;
    leaves.forEach((leaf, i) => {
      nodes += frontier.append(leaf).length;
      assert.deepEqual(frontier.root(), rootOfLeaves(leaves.slice(0, i + 1)));
    });
    // A tree of n leaves has n leaves and n - popcount(n) completed perfect interior nodes.
    assert.equal(nodes, 37 + 37 - 3);
    const restored = TreeFrontier.of(
      37,
      rangeNodes(0, 37).map(({ level, index }) =>
        rootOfLeaves(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)),
      ),
    );
    assert.deepEqual(restored.root(), frontier.root());
  });
});
