// Multi-head attention over a padding-free layout: each fp32 ISA and the bf16 AMX products
// (AttentionArgs::bf16_tiles) against the scalar path, on head dims and lengths that are not
// multiples of the 16 x 32 tiles, across the 128-row query blocks, with relative positions
// and with the probabilities written out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { assertClose } from '../helpers/assert.mjs';
import { cpu, fp32Isas, randomFloats, t, toBf16 } from './gemm_helpers.mjs';

const CASES = [
  { heads: 1, headDim: 1, lengths: [1] },
  { heads: 3, headDim: 16, lengths: [1, 7, 33] },
  { heads: 2, headDim: 40, lengths: [100, 5] },
  { heads: 2, headDim: 64, lengths: [128, 64, 65] },
  { heads: 1, headDim: 48, lengths: [200] },
  { heads: 2, headDim: 17, lengths: [31, 97], positionEmbedding: 'relative_key' },
  { heads: 2, headDim: 32, lengths: [70, 3], positionEmbedding: 'relative_key_query' },
  { heads: 1, headDim: 24, lengths: [150, 9], positionEmbedding: 'relative_key' }, // 2 row blocks of queries
];

function inputs(c, seed) {
  const tokens = c.lengths.reduce((a, b) => a + b, 0);
  const maxPositions = Math.max(...c.lengths);
  // Scores of a few units: peaked enough that a misplaced key or row shows up clearly.
  const qkv = randomFloats(tokens * 3 * c.heads * c.headDim, seed).map((v) => 2 * v);
  const distance = randomFloats((2 * maxPositions - 1) * c.headDim, seed + 1).map((v) => 0.5 * v);
  return { ...c, qkv, distance, maxPositions, probabilities: true };
}

function run(c, options) {
  return t.attention({ ...c, ...options });
}

for (const isa of fp32Isas.filter((i) => i !== 'scalar')) {
  test(`attention fp32 ${isa} matches the scalar path`, () => {
    CASES.forEach((c, i) => {
      const args = inputs(c, 100 + i);
      const want = run(args, { isa: 'reference' });
      for (const threads of [1, 2]) {
        const got = run(args, { isa, threads });
        const label = `${isa} ${JSON.stringify(c)} threads ${threads}`;
        assertClose(got.context, want.context, `${label} context`, { abs: 1e-5, rel: 1e-4 });
        assertClose(got.probabilities, want.probabilities, `${label} probabilities`, { abs: 1e-6, rel: 1e-4 });
      }
    });
  });
}

if (cpu.amxbf16) {
  test('attention bf16 on AMX tiles stays within bf16 rounding of the scalar path', () => {
    CASES.forEach((c, i) => {
      const args = inputs(c, 200 + i);
      const want = run(args, { isa: 'reference' });
      const got = run(args, { bf16Tiles: true, threads: 2 });
      const label = `amx ${JSON.stringify(c)}`;
      // Q, K, V and P rounded to 8 significant bits: scores move by ~1%, outputs (averages of
      // V rows of size ~1) by a few thousandths; a misplaced tile would be off by ~1.
      assertClose(got.context, want.context, `${label} context`, { abs: 3e-2, rel: 0 });
      assertClose(got.probabilities, want.probabilities, `${label} probabilities`, { abs: 1e-2, rel: 2e-2 });
      let worst = 0;
      for (let j = 0; j < want.context.length; ++j) worst = Math.max(worst, Math.abs(got.context[j] - want.context[j]));
      assert.ok(worst > 0, 'bf16 rounding should leave some difference: the AMX path did not run');
    });
  });

  test('attention bf16 tiles: bf16 activations in and out give the fp32-activation results, rounded', () => {
    CASES.filter((c) => !c.positionEmbedding).forEach((c, i) => {
      const args = inputs(c, 300 + i);
      const want = run(args, { bf16Tiles: true, threads: 2 });
      const got = run(args, { bf16Tiles: true, bf16Activations: true, threads: 2 });
      const label = `amx bf16 activations ${JSON.stringify(c)}`;
      assert.equal(Array.from(got.probabilities), Array.from(want.probabilities), `${label}: probabilities`);
      assert.equal(Array.from(got.context), Array.from(want.context, toBf16), `${label}: context`);
    });
    const relative = inputs(CASES.find((c) => c.positionEmbedding), 1);
    assert.throws(() => run(relative, { bf16Tiles: true, bf16Activations: true }), /absolute positions/);
  });

  test('attention bf16 tiles: one 64-row block and a whole sequence agree row for row', () => {
    // A sequence of 64 and the same 64 tokens as the first rows of nothing else: identical inputs
    // through the padded tiles must give identical outputs, whatever else shares the batch.
    const c = inputs({ heads: 2, headDim: 64, lengths: [64] }, 7);
    const alone = run(c, { bf16Tiles: true });
    const width = 3 * 2 * 64;
    const extra = randomFloats(10 * width, 8);
    const qkv = new Float32Array(c.qkv.length + extra.length);
    qkv.set(c.qkv);
    qkv.set(extra, c.qkv.length);
    const batched = run({ ...c, qkv, lengths: [64, 10] }, { bf16Tiles: true });
    assert.equal(Array.from(batched.context.subarray(0, alone.context.length)), Array.from(alone.context));
  });
}

test.run();
