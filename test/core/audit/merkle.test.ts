import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MerkleFrontier,
  consistencyProof,
  inclusionProof,
  leafHash,
  subtreeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/audit/merkle.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const corpus = resolve(repoRoot, 'test/vectors/audit/rfc6962-transparency-dev-merkle');

interface ReferenceTree {
  leaf_inputs_hex: string[];
  root_hashes_hex_by_tree_size: string[];
  node_hashes_hex_by_level: string[][];
}
const reference = JSON.parse(readFileSync(join(corpus, 'reference-tree.json'), 'utf8')) as ReferenceTree;
const leaves = reference.leaf_inputs_hex.map((hex) => leafHash(Buffer.from(hex, 'hex')));

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsonFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}
const b64 = (s: string | null | undefined): Buffer => Buffer.from(s ?? '', 'base64');

describe('RFC 6962 tree heads (reference tree)', () => {
  it('matches every root for sizes 0..8, from both the recursive MTH and the frontier', () => {
    const frontier = new MerkleFrontier();
    reference.root_hashes_hex_by_tree_size.forEach((hex, size) => {
      expect(subtreeRoot(leaves, 0, size).toString('hex')).toBe(hex);
      expect(frontier.root().toString('hex')).toBe(hex);
      if (size < leaves.length) frontier.append(leaves[size]!);
    });
  });

  it('matches every complete-subtree node hash', () => {
    reference.node_hashes_hex_by_level.forEach((level, l) => {
      level.forEach((hex, index) => {
        const width = 2 ** l;
        expect(subtreeRoot(leaves, index * width, (index + 1) * width).toString('hex')).toBe(hex);
      });
    });
  });
});

describe('RFC 6962 inclusion proofs (transparency-dev vectors)', () => {
  const files = jsonFiles(join(corpus, 'testdata/inclusion'));
  it('has the corpus', () => expect(files.length).toBeGreaterThan(90));
  for (const file of files) {
    const name = file.slice(corpus.length + 1);
    it(name, () => {
      const v = JSON.parse(readFileSync(file, 'utf8')) as { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean };
      const ok = verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b64), b64(v.root));
      expect(ok).toBe(!v.wantErr);
      if (!v.wantErr) {
        expect(inclusionProof(leaves, v.leafIdx, v.treeSize).map((h) => h.toString('base64'))).toEqual(v.proof ?? []);
      }
    });
  }
});

describe('RFC 6962 consistency proofs (transparency-dev vectors)', () => {
  const files = jsonFiles(join(corpus, 'testdata/consistency'));
  it('has the corpus', () => expect(files.length).toBeGreaterThan(90));
  for (const file of files) {
    const name = file.slice(corpus.length + 1);
    it(name, () => {
      const v = JSON.parse(readFileSync(file, 'utf8')) as { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean };
      const ok = verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
      expect(ok).toBe(!v.wantErr);
      if (!v.wantErr && v.size2 <= leaves.length && v.size1 > 0) {
        expect(consistencyProof(leaves, v.size1, v.size2).map((h) => h.toString('base64'))).toEqual(v.proof ?? []);
      }
    });
  }
});

describe('proofs over random trees', () => {
  const tree = fc.integer({ min: 1, max: 70 }).map((n) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`))));
  it('every inclusion proof verifies, and fails for another index', () => {
    fc.assert(
      fc.property(tree, fc.nat(), (ls, r) => {
        const i = r % ls.length;
        const root = subtreeRoot(ls);
        expect(verifyInclusion(ls[i]!, i, ls.length, inclusionProof(ls, i), root)).toBe(true);
        if (ls.length > 1) expect(verifyInclusion(ls[i]!, (i + 1) % ls.length, ls.length, inclusionProof(ls, i), root)).toBe(false);
      }),
    );
  });
  it('every consistency proof verifies, and fails against a wrong old root', () => {
    fc.assert(
      fc.property(tree, fc.nat(), (ls, r) => {
        const m = 1 + (r % ls.length);
        const proof = consistencyProof(ls, m);
        const oldRoot = subtreeRoot(ls, 0, m);
        expect(verifyConsistency(m, ls.length, proof, oldRoot, subtreeRoot(ls))).toBe(true);
        if (m < ls.length) expect(verifyConsistency(m, ls.length, proof, leafHash(Buffer.from('x')), subtreeRoot(ls))).toBe(false);
      }),
    );
  });
  it('the frontier root equals MTH for every size', () => {
    fc.assert(
      fc.property(tree, (ls) => {
        const f = new MerkleFrontier();
        ls.forEach((l) => f.append(l));
        expect(f.root()).toEqual(subtreeRoot(ls));
        const g = new MerkleFrontier(f.size, f.subtrees);
        expect(g.root()).toEqual(f.root());
      }),
    );
  });
});
