// Benchmark cases and their deterministic inputs.
//
// Every case is a padded [batch, seq] batch: ids are random in 5..29999, each
// row starts with [CLS]=2 and its last real token is [SEP]=3; padding is id 0
// with attention_mask 0. Both engines get exactly the same tensors.

const CLS_ID = 2;
const SEP_ID = 3;
const PAD_ID = 0;
const MIN_ID = 5;
const MAX_ID = 29999;

/** Full-size cases (what RESULTS.md reports). `rounds` x `iterations` samples per engine. */
const FULL_CASES = [
  { name: 'latency', title: 'batch 1 x seq 128', batch: 1, seq: 128, warmup: 3, rounds: 6, iterations: 4, int8: true },
  { name: 'throughput', title: 'batch 32 x seq 128', batch: 32, seq: 128, warmup: 0, rounds: 8, iterations: 1, bf16: true, int8: true },
  { name: 'long', title: 'batch 8 x seq 512', batch: 8, seq: 512, warmup: 0, rounds: 3, iterations: 1 },
  { name: 'mixed', title: 'batch 32, lengths 16..128 padded to 128', batch: 32, seq: 128, minLength: 16, warmup: 0, rounds: 8, iterations: 1 },
];

/** Small shapes for a smoke run (--quick): same code paths, seconds instead of minutes. */
const QUICK_CASES = [
  { name: 'latency', title: 'batch 1 x seq 32', batch: 1, seq: 32, warmup: 1, rounds: 2, iterations: 2, int8: true },
  { name: 'throughput', title: 'batch 4 x seq 64', batch: 4, seq: 64, warmup: 0, rounds: 2, iterations: 1, bf16: true, int8: true },
  { name: 'long', title: 'batch 1 x seq 512', batch: 1, seq: 512, warmup: 0, rounds: 2, iterations: 1 },
  { name: 'mixed', title: 'batch 8, lengths 16..64 padded to 64', batch: 8, seq: 64, minLength: 16, warmup: 0, rounds: 2, iterations: 1 },
];

export const CASE_NAMES = FULL_CASES.map((c) => c.name);

/** The cases to run: all, or those named in `only` (in the canonical order). */
export function selectCases({ quick, only }) {
  const all = quick ? QUICK_CASES : FULL_CASES;
  if (!only) return all;
  const unknown = only.filter((n) => !CASE_NAMES.includes(n));
  if (unknown.length) throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${CASE_NAMES.join(', ')}`);
  return all.filter((c) => only.includes(c.name));
}

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real lengths per row: all `seq`, or spread evenly over minLength..seq and shuffled. */
function rowLengths(testCase, random) {
  const { batch, seq, minLength } = testCase;
  if (minLength === undefined) return new Array(batch).fill(seq);
  const lengths = Array.from({ length: batch }, (_, i) =>
    batch === 1 ? seq : Math.round(minLength + (i * (seq - minLength)) / (batch - 1)),
  );
  for (let i = lengths.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [lengths[i], lengths[j]] = [lengths[j], lengths[i]];
  }
  return lengths;
}

/**
 * Builds the Int32 input tensors of a case.
 * Returns { inputIds, attentionMask, tokenTypeIds } as { data: Int32Array, dims },
 * plus `lengths` (real tokens per row) and `tokens` (their sum).
 */
export function makeInputs(testCase, seed = 0x5eed) {
  const random = mulberry32(seed);
  const { batch, seq } = testCase;
  const lengths = rowLengths(testCase, random);
  const ids = new Int32Array(batch * seq).fill(PAD_ID);
  const mask = new Int32Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    const row = b * seq;
    for (let s = 0; s < lengths[b]; s++) {
      ids[row + s] = MIN_ID + Math.floor(random() * (MAX_ID - MIN_ID + 1));
      mask[row + s] = 1;
    }
    ids[row] = CLS_ID;
    ids[row + lengths[b] - 1] = SEP_ID;
  }
  const dims = [batch, seq];
  return {
    inputIds: { data: ids, dims },
    attentionMask: { data: mask, dims },
    tokenTypeIds: { data: new Int32Array(batch * seq), dims },
    lengths,
    tokens: lengths.reduce((sum, n) => sum + n, 0),
  };
}
