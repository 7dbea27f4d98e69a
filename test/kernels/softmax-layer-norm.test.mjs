// The vectorised softmax and LayerNorm (one body compiled per ISA file) against their scalar
// references, on awkward shapes: width 1, primes, not multiples of the vector width, strided
// rows, large logits (softmax must not overflow) and rows with a huge mean (LayerNorm's
// centred second pass).
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { assertClose } from '../helpers/assert.mjs';
import { fp32Isas, randomFloats, t } from './gemm_helpers.mjs';

const SOFTMAX_SHAPES = [[1, 1], [1, 7], [3, 13], [5, 16], [2, 17], [7, 127], [4, 128], [3, 513]];
const NORM_SHAPES = [[1, 1, 1], [2, 7, 7], [3, 13, 20], [5, 48, 48], [2, 97, 101], [4, 768, 768], [3, 129, 200]];

for (const isa of fp32Isas) {
  test(`${isa}: softmax matches the scalar reference`, () => {
    for (const [rows, cols] of SOFTMAX_SHAPES) {
      for (const spread of [1, 30, 300]) {
        const x = randomFloats(rows * cols, rows * 31 + cols).map((v) => v * spread);
        const want = t.softmax({ isa: 'reference', x, rows, cols, scale: 0.125 });
        const got = t.softmax({ isa, x, rows, cols, scale: 0.125 });
        assertClose(got, want, `${isa} softmax ${rows}x${cols} spread ${spread}`, { rel: 3e-6, abs: 1e-30 });
        for (let r = 0; r < rows; ++r) {
          const sum = got.subarray(r * cols, (r + 1) * cols).reduce((a, b) => a + b, 0);
          assert.ok(Math.abs(sum - 1) < 1e-5, `row ${r} sums to ${sum}`);
        }
      }
    }
  });

  test(`${isa}: layer norm matches the scalar reference`, () => {
    for (const [rows, width, ld] of NORM_SHAPES) {
      for (const offset of [0, 1000]) {
        const x = randomFloats(rows * ld, rows + width).map((v) => v * 3 + offset);
        const gamma = randomFloats(width, 5).map((v) => 1 + v * 0.1);
        const beta = randomFloats(width, 6).map((v) => v * 0.1);
        const args = { x, rows, width, ld, gamma, beta, eps: 1e-12 };
        const want = t.layerNorm({ ...args, isa: 'reference' });
        const got = t.layerNorm({ ...args, isa });
        // Summation order differs between paths: the mean's rounding (~1e-7 of the offset),
        // divided by the row's spread (>= ~1.5 here), bounds the difference.
        assertClose(got, want, `${isa} layerNorm ${rows}x${width} (ld ${ld}, offset ${offset})`, { rel: 1e-5, abs: 2e-5 + 1.5e-7 * offset });
        for (let r = 0; r < rows; ++r) {
          for (let i = width; i < ld && r < rows - 1; ++i) assert.is(got[r * ld + i], x[r * ld + i], 'gap untouched');
        }
      }
    }
  });
}

// bench/kernels.mjs times these kernels through _testing.benchVector.
test('benchVector: one time per call for every kernel kind and ISA; unknown kernels refused', () => {
  for (const kernel of ['softmax', 'layerNorm', 'gelu_new', 'tanh']) {
    for (const isa of ['reference', ...fp32Isas]) {
      const times = t.benchVector({ kernel, isa, rows: 3, cols: 37, iterations: 4 });
      assert.instance(times, Float64Array);
      assert.is(times.length, 4);
      assert.ok(times.every((s) => s > 0 && s < 1), `${kernel} ${isa}: ${Array.from(times)}`);
    }
  }
  assert.throws(() => t.benchVector({ kernel: 'bogus', rows: 2, cols: 2 }), /kernel must be softmax, layerNorm or an activation name, got 'bogus'/);
  assert.throws(() => t.benchVector({ kernel: 'softmax', rows: 0, cols: 2 }), /rows and cols must be positive/);
});

test.run();
