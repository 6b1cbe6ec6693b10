import { createHash, hash as oneShotHash } from 'node:crypto';

/**
 * RFC 6962 / RFC 9162 §2.1 Merkle tree hashing: the tree head over the audit
 * log's entries, inclusion and consistency proofs, and the "compact range"
 * (frontier) that lets the log extend a known tree head in O(log n) per leaf.
 */

export const HASH_SIZE = 32;
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

const leafScratch = { buf: Buffer.alloc(4096) };

/** SHA-256(0x00 ‖ data): the hash of one leaf (one audit entry's canonical bytes). */
export function leafHash(data: Uint8Array): Buffer {
  const needed = data.length + 1;
  if (leafScratch.buf.length < needed) leafScratch.buf = Buffer.alloc(Math.max(needed, leafScratch.buf.length * 2));
  const buf = leafScratch.buf;
  buf[0] = 0x00;
  buf.set(data, 1);
  // One-shot hashing avoids a Hash object per leaf, which dominates the cost of verifying short entries.
  return oneShotHash('sha256', buf.subarray(0, needed), 'buffer') as unknown as Buffer;
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an interior node. */
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return createHash('sha256').update(Uint8Array.of(0x01)).update(left).update(right).digest();
  }
  nodeScratch[0] = 0x01;
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return oneShotHash('sha256', nodeScratch, 'buffer') as unknown as Buffer;
}

/** The largest power of two smaller than n (n ≥ 2): the RFC 6962 split point. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) over already-hashed leaves. */
export function subtreeRoot(leaves: readonly Uint8Array[], start = 0, end = leaves.length): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return Buffer.from(leaves[start]!);
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/**
 * The perfect subtrees covering leaves [0, size), largest first: exactly one per
 * set bit of `size`. Appending a leaf merges equal-sized neighbours, so the
 * frontier holds at most log2(n) + 1 hashes and each append costs O(log n) amortised O(1).
 */
export class MerkleFrontier {
  private readonly hashes: Buffer[];
  private count: number;

  constructor(size = 0, hashes: readonly Uint8Array[] = []) {
    if (popcount(size) !== hashes.length) {
      throw new RangeError(`a frontier for ${size} leaves has ${popcount(size)} hashes, got ${hashes.length}`);
    }
    this.count = size;
    this.hashes = hashes.map((h) => Buffer.from(h));
  }

  get size(): number {
    return this.count;
  }

  /** The subtree hashes, largest subtree first (what a checkpoint store keeps). */
  get subtrees(): readonly Buffer[] {
    return this.hashes;
  }

  /** Adds a leaf hash; the frontier keeps a reference, so callers must not change it afterwards. */
  append(leaf: Uint8Array): void {
    let h: Buffer = Buffer.isBuffer(leaf) ? leaf : Buffer.from(leaf);
    // Each trailing 1-bit of the old size is a subtree of the same size as the one being carried.
    let n = this.count;
    while (n & 1) {
      h = nodeHash(this.hashes.pop()!, h);
      n = Math.floor(n / 2);
    }
    this.hashes.push(h);
    this.count += 1;
  }

  root(): Buffer {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let r = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) r = nodeHash(this.hashes[i]!, r);
    return r;
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.count, this.hashes);
  }
}

function popcount(n: number): number {
  let c = 0;
  while (n > 0) {
    c += n & 1;
    n = Math.floor(n / 2);
  }
  return c;
}

/** RFC 6962 §2.1.1 PATH(m, D[n]): the audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number, size = leaves.length): Buffer[] {
  if (!(index >= 0 && index < size && size <= leaves.length)) throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  const path = (m: number, start: number, end: number): Buffer[] => {
    const n = end - start;
    if (n === 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...path(m, start, start + k), subtreeRoot(leaves, start + k, end)];
    return [...path(m - k, start + k, end), subtreeRoot(leaves, start, start + k)];
  };
  return path(index, 0, size);
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]): proves the tree of `oldSize` leaves is a prefix of the tree of `newSize`. */
export function consistencyProof(leaves: readonly Uint8Array[], oldSize: number, newSize = leaves.length): Buffer[] {
  if (!(oldSize >= 0 && oldSize <= newSize && newSize <= leaves.length)) throw new RangeError(`no consistency proof from ${oldSize} to ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const subproof = (m: number, start: number, end: number, whole: boolean): Buffer[] => {
    const n = end - start;
    if (m === n) return whole ? [] : [subtreeRoot(leaves, start, end)];
    const k = splitPoint(n);
    if (m <= k) return [...subproof(m, start, start + k, whole), subtreeRoot(leaves, start + k, end)];
    return [...subproof(m - k, start + k, end, false), subtreeRoot(leaves, start, start + k)];
  };
  return subproof(oldSize, 0, newSize, true);
}

function all32(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((h) => h.length === HASH_SIZE);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** RFC 9162 §2.1.3.2: does `proof` show `leaf` at `index` in the tree of `size` leaves with head `root`? */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (leaf.length !== HASH_SIZE || root.length !== HASH_SIZE || !all32(proof)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (`size1`, `root1`) is a prefix of (`size2`, `root2`)? */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) return false;
  // Like the transparency-dev verifier: a proof from the empty tree proves nothing, so it is refused.
  if (size1 === 0) return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE || !all32(proof)) return false;
  if (proof.length === 0) return false;
  let path = [...proof];
  // When size1 is an exact power of two the first subtree is the old root itself; RFC 9162 prepends it.
  if ((size1 & (size1 - 1)) === 0) path = [Buffer.from(root1), ...path];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
}
