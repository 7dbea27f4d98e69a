/**
 * Unigram-LM segmentation: SentencePiece's optimised Viterbi (unigram_model.cc,
 * Model::EncodeOptimized), reproduced including its float32 arithmetic.
 *
 * best[p] is the score of the best segmentation of bytes [0, p); for every character
 * start we walk the piece trie and relax best[end] for each piece found. The precision
 * matters for near-ties (e.g. "habit", "iii"): C++ keeps best scores as float32 (here a
 * Float32Array, so every store rounds), adds piece scores in double (the ternary that
 * picks the user-defined bonus makes the sum a double) and compares that unrounded sum
 * with the stored float; the unknown-character sum is float + float, i.e. Math.fround.
 */
import type { DoubleArrayTrie } from './double-array';
import { oneCharLen } from './utf8';

/** Per-id behaviour in the lattice. */
export const enum LatticeKind {
  Normal = 0,
  UserDefined = 1,
  Unused = 2,
}

const UNK_PENALTY = 10;

/** Tokens from one Viterbi pass, in order: bytes [start[i], end[i]) of the input, id[i]. */
export class TokenBuffer {
  start = new Int32Array(64);
  end = new Int32Array(64);
  id = new Int32Array(64);
  length = 0;

  reserve(n: number): void {
    if (n <= this.start.length) return;
    const cap = Math.max(n, this.start.length * 2);
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.id = new Int32Array(cap);
  }
}

export class UnigramModel {
  private readonly unkScore: number;
  private bestScore = new Float32Array(256);
  private bestStart = new Int32Array(256);
  private bestId = new Int32Array(256);

  constructor(
    private readonly trie: DoubleArrayTrie,
    /** float32 score per id. */
    private readonly scores: Float32Array,
    private readonly kinds: Uint8Array,
    private readonly unkId: number,
    private readonly maxScore: number,
    minScore: number,
  ) {
    this.unkScore = Math.fround(minScore - UNK_PENALTY);
  }

  /** Segments bytes[0, size) into out (unknown characters are separate unk tokens). */
  encode(bytes: Uint8Array, size: number, out: TokenBuffer): void {
    out.length = 0;
    if (size === 0) return;
    this.reserve(size + 1);
    this.bestStart.fill(-1, 0, size + 1);
    this.bestScore[0] = 0;
    for (let start = 0; start < size; ) {
      const charLen = Math.min(oneCharLen(bytes[start]), size - start);
      const covered = this.relaxFrom(bytes, size, start, charLen);
      if (!covered) this.relaxUnknown(start, start + charLen);
      start += charLen;
    }
    this.backtrack(size, out);
  }

  /** Relaxes every piece starting at `start`; true if one of them is exactly one character. */
  private relaxFrom(bytes: Uint8Array, size: number, start: number, charLen: number): boolean {
    const { base, check, value } = this.trie;
    const score = this.bestScore;
    const from = this.bestStart;
    const ids = this.bestId;
    const kinds = this.kinds;
    const scores = this.scores;
    const here = score[start];
    let covered = false;
    let node = 0;
    for (let k = start; k < size; ) {
      const t = base[node] + bytes[k];
      if (check[t] !== node) break;
      node = t;
      k++;
      const id = value[node];
      if (id < 0) continue;
      const kind = kinds[id];
      if (kind === LatticeKind.Unused) continue;
      // C++: `score` is `cond ? (length * max_score_ - 0.1) : GetScore(id)`, whose type
      // is double for both branches, so the sum is a double compared against the stored
      // float; only the stored best score is rounded to float32.
      const cand = kind === LatticeKind.Normal
        ? scores[id] + here
        : Math.fround((k - start) * this.maxScore) - 0.1 + here;
      if (from[k] === -1 || cand > score[k]) {
        score[k] = cand;
        from[k] = start;
        ids[k] = id;
      }
      if (k - start === charLen) covered = true;
    }
    return covered;
  }

  private relaxUnknown(start: number, end: number): void {
    const cand = Math.fround(this.unkScore + this.bestScore[start]);
    if (this.bestStart[end] === -1 || cand > this.bestScore[end]) {
      this.bestScore[end] = cand;
      this.bestStart[end] = start;
      this.bestId[end] = this.unkId;
    }
  }

  private backtrack(size: number, out: TokenBuffer): void {
    let n = 0;
    for (let e = size; e > 0; e = this.bestStart[e]) n++;
    out.reserve(n);
    out.length = n;
    for (let e = size, i = n - 1; e > 0; e = this.bestStart[e], i--) {
      out.start[i] = this.bestStart[e];
      out.end[i] = e;
      out.id[i] = this.bestId[e];
    }
  }

  private reserve(n: number): void {
    if (n <= this.bestScore.length) return;
    const cap = Math.max(n, this.bestScore.length * 2);
    this.bestScore = new Float32Array(cap);
    this.bestStart = new Int32Array(cap);
    this.bestId = new Int32Array(cap);
  }
}
