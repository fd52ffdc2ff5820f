import { createHash, hash } from 'node:crypto';

/**
 * The RFC 9162 (Certificate Transparency 2.0) Merkle tree: leaf hash SHA-256(0x00 || entry), interior node
 * SHA-256(0x01 || left || right). Pure functions; storage of the nodes lives in audit-log.ts.
 * Sizes and indexes are bigint inside the proof arithmetic so a log past 2^32 leaves stays correct.
 */

export const hashSize = 32;

// One-shot hashing: measured here, a quarter faster than a Hash object a leaf, which the verifier makes millions of.
export function leafHash(entry: Uint8Array | string): Buffer {
  // '\0' + entry is encoded as UTF-8 like the entry alone, after the byte 0x00.
  return hash('sha256', typeof entry === 'string' ? `\0${entry}` : Buffer.concat([leafPrefix, entry]), 'buffer');
}
const leafPrefix = Buffer.from([0]);

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // A stored hash of the wrong length (a tampered row) is hashed as it is, as the specification's concatenation.
  if (left.length !== hashSize || right.length !== hashSize)
    return hash('sha256', Buffer.concat([Buffer.from([1]), left, right]), 'buffer');
  const input = Buffer.allocUnsafe(1 + 2 * hashSize);
  input[0] = 1;
  input.set(left, 1);
  input.set(right, 1 + hashSize);
  return hash('sha256', input, 'buffer');
}

/** The hash of the empty tree, SHA-256 of nothing. */
export const emptyRoot = createHash('sha256').digest();

/** A perfect subtree: level L, index i covers leaves [i * 2^L, (i + 1) * 2^L). Level 0 nodes are leaf hashes. */
export interface NodeId {
  level: number;
  index: number;
}

/**
 * The perfect subtrees that make up leaves [start, end), left to right, each as large as its alignment allows.
 * Folding their hashes from the right gives MTH(D[start:end]) for every range the RFC's proofs ask for.
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let at = start;
  while (at < end) {
    let level = 0;
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level += 1;
    nodes.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return nodes;
}

/** Folds perfect subtree hashes, left to right as rangeNodes lists them, into one range hash. */
export function foldRange(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) return emptyRoot;
  let hash: Buffer = Buffer.from(hashes[hashes.length - 1] as Uint8Array);
  for (let i = hashes.length - 2; i >= 0; i -= 1) hash = nodeHash(hashes[i] as Uint8Array, hash);
  return hash;
}

/** The root of a whole tree from its leaf hashes (MTH of RFC 9162 section 2.1.1), for tests and verification. */
export function rootOfLeaves(leaves: Iterable<Uint8Array>): Buffer {
  const frontier = new TreeFrontier();
  for (const leaf of leaves) frontier.append(leaf);
  return frontier.root();
}

/**
 * The right edge of a growing tree: the hashes of the perfect subtrees covering [0, size), largest first.
 * Appending a leaf completes at most log2(size) new interior nodes, which append reports so they can be stored.
 */
export class TreeFrontier {
  private readonly nodes: { level: number; hash: Buffer }[] = [];
  size = 0;

  static of(size: number, hashes: readonly Uint8Array[]): TreeFrontier {
    const frontier = new TreeFrontier();
    const ids = rangeNodes(0, size);
    if (ids.length !== hashes.length) throw new Error(`a tree of ${size} leaves has ${ids.length} frontier nodes`);
    ids.forEach((id, i) => {
      frontier.nodes.push({ level: id.level, hash: Buffer.from(hashes[i] as Uint8Array) });
    });
    frontier.size = size;
    return frontier;
  }

  /** Adds a leaf hash; returns every node it completes (the leaf itself first), with its level and index. */
  append(leaf: Uint8Array): (NodeId & { hash: Buffer })[] {
    const index = this.size;
    // One copy, shared: the frontier's hashes are never written to, only replaced.
    const own = Buffer.from(leaf);
    const completed: (NodeId & { hash: Buffer })[] = [{ level: 0, index, hash: own }];
    let node: { level: number; hash: Buffer } = { level: 0, hash: own };
    while (this.nodes.length > 0 && this.nodes[this.nodes.length - 1]?.level === node.level) {
      const left = this.nodes.pop() as { level: number; hash: Buffer };
      node = { level: node.level + 1, hash: nodeHash(left.hash, node.hash) };
      completed.push({ level: node.level, index: Math.floor(index / 2 ** node.level), hash: node.hash });
    }
    this.nodes.push(node);
    this.size += 1;
    return completed;
  }

  root(): Buffer {
    return foldRange(this.nodes.map((n) => n.hash));
  }

  clone(): TreeFrontier {
    return TreeFrontier.of(
      this.size,
      this.nodes.map((n) => n.hash),
    );
  }
}

/** The largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The leaf ranges whose hashes form the inclusion proof of leaf m in a tree of n leaves (RFC 9162 2.1.3.1). */
export function inclusionProofRanges(m: number, n: number): [number, number][] {
  const ranges: [number, number][] = [];
  const path = (index: number, start: number, end: number) => {
    if (end - start <= 1) return;
    const k = splitPoint(end - start);
    if (index < k) {
      path(index, start, start + k);
      ranges.push([start + k, end]);
    } else {
      path(index - k, start + k, end);
      ranges.push([start, start + k]);
    }
  };
  path(m, 0, n);
  return ranges;
}

/** The leaf ranges whose hashes form the consistency proof between sizes m and n (RFC 9162 2.1.4.1). */
export function consistencyProofRanges(m: number, n: number): [number, number][] {
  const ranges: [number, number][] = [];
  const subproof = (size: number, start: number, end: number, whole: boolean) => {
    if (size === end - start) {
      if (!whole) ranges.push([start, end]);
      return;
    }
    const k = splitPoint(end - start);
    if (size <= k) {
      subproof(size, start, start + k, whole);
      ranges.push([start + k, end]);
    } else {
      subproof(size - k, start + k, end, false);
      ranges.push([start, start + k]);
    }
  };
  if (m > 0 && m < n) subproof(m, 0, n, true);
  return ranges;
}

export class ProofError extends Error {}

const bitLength = (x: bigint): number => (x === 0n ? 0 : x.toString(2).length);
const onesCount = (x: bigint): number => [...x.toString(2)].filter((c) => c === '1').length;
const trailingZeros = (x: bigint): number => {
  let count = 0;
  while (x > 0n && (x & 1n) === 0n) {
    x >>= 1n;
    count += 1;
  }
  return count;
};

/** How many proof hashes are below the point where the leaf's path meets the tree's right border, and above it. */
function decomposeInclusionProof(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  return { inner, border: onesCount(index >> BigInt(inner)) };
}

function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  let hash = seed;
  proof.forEach((sibling, i) => {
    hash = ((index >> BigInt(i)) & 1n) === 0n ? nodeHash(hash, sibling) : nodeHash(sibling, hash);
  });
  return hash;
}

function chainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  let hash = seed;
  proof.forEach((sibling, i) => {
    if (((index >> BigInt(i)) & 1n) === 1n) hash = nodeHash(sibling, hash);
  });
  return hash;
}

function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  let hash = seed;
  for (const sibling of proof) hash = nodeHash(sibling, hash);
  return hash;
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** The root an inclusion proof leads to (RFC 9162 2.1.3.2); throws ProofError when the proof cannot be right. */
export function rootFromInclusionProof(
  index: number | bigint,
  size: number | bigint,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  const i = BigInt(index);
  const n = BigInt(size);
  if (i < 0n || i >= n) throw new ProofError(`leaf index ${i} is outside a tree of ${n} leaves`);
  if (leaf.length !== hashSize) throw new ProofError(`a leaf hash has ${hashSize} bytes, not ${leaf.length}`);
  const { inner, border } = decomposeInclusionProof(i, n);
  if (proof.length !== inner + border)
    throw new ProofError(`the proof has ${proof.length} hashes where ${inner + border} are needed`);
  return chainBorderRight(chainInner(leaf, proof.slice(0, inner), i), proof.slice(inner));
}

export function verifyInclusion(
  index: number | bigint,
  size: number | bigint,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  if (!same(rootFromInclusionProof(index, size, leaf, proof), root))
    throw new ProofError('the proof does not lead to the root');
}

/** Checks that a tree of size2 extends the tree of size1 (RFC 9162 2.1.4.2); throws ProofError otherwise. */
export function verifyConsistency(
  size1: number | bigint,
  size2: number | bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  const m = BigInt(size1);
  const n = BigInt(size2);
  if (m <= 0n) throw new ProofError('a consistency proof starts from a tree of at least one leaf');
  if (n < m) throw new ProofError(`size ${n} is smaller than size ${m}`);
  if (m === n) {
    if (proof.length > 0) throw new ProofError('trees of the same size need an empty proof');
    if (!same(root1, root2)) throw new ProofError('trees of the same size have different roots');
    return;
  }
  if (proof.length === 0) throw new ProofError('the proof is empty');
  const decomposition = decomposeInclusionProof(m - 1n, n);
  const shift = trailingZeros(m);
  const inner = decomposition.inner - shift;
  // When size1 is a power of two its root is the seed; otherwise the proof starts with that subtree's hash.
  const seedFromRoot = m === 1n << BigInt(shift);
  const seed = seedFromRoot ? root1 : (proof[0] as Uint8Array);
  const rest = proof.slice(seedFromRoot ? 0 : 1);
  if (rest.length !== inner + decomposition.border)
    throw new ProofError(`the proof has ${proof.length} hashes; this pair of sizes needs a different number`);
  const mask = (m - 1n) >> BigInt(shift);
  const innerProof = rest.slice(0, inner);
  const borderProof = rest.slice(inner);
  if (!same(chainBorderRight(chainInnerRight(seed, innerProof, mask), borderProof), root1))
    throw new ProofError('the proof does not lead to the first root');
  if (!same(chainBorderRight(chainInner(seed, innerProof, mask), borderProof), root2))
    throw new ProofError('the proof does not lead to the second root');
}
