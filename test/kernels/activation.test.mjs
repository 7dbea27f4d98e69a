// Vectorised activations (kernels/activation/vector_math.h under each ISA's flags) against
// the scalar libm reference in activation.cc.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ACTIVATIONS, fp32Isas, randomFloats, t } from './gemm_helpers.mjs';

// Inputs: a dense sweep of [-12, 12] (every branch of every approximation: tanh's and erf's
// polynomial and exp ranges, the saturation), small values, huge values, and odd lengths so
// the vector loops' tails run too.
function inputs() {
  const sweep = Array.from({ length: 4801 }, (_, i) => -12 + i * 0.005);
  const small = [0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 1e-3, -1e-3, 0.3999, 0.4, 0.4001, 0.7071, 1, -1, 1.4142, 1.4143];
  const huge = [30, -30, 60, -60, 88, -88, 100, -100, 1e4, -1e4, 3e38, -3e38];
  const random = Array.from(randomFloats(1001, 9), (v) => v * 8);
  return Float32Array.from([...sweep, ...small, ...huge, ...random]);
}

// A few ulps of the result, with an absolute floor that scales with |x| for the GELUs, whose
// 1 + erf / 1 + tanh cancels for negative x in the reference itself.
function tolerance(name, x, want) {
  const floor = name.startsWith('gelu') ? 1.2e-7 * Math.max(1, Math.abs(x)) : 1e-37;
  return 4e-7 * Math.abs(want) + floor;
}

for (const isa of fp32Isas) {
  test(`${isa}: activations match the scalar reference`, () => {
    const x = inputs();
    for (const name of ACTIVATIONS) {
      const want = t.activation(name, x, 'reference');
      for (const len of [x.length, 1, 15, 17, 31]) {
        const xs = x.subarray(x.length - len);
        const got = t.activation(name, xs, isa);
        const ref = want.subarray(x.length - len);
        for (let i = 0; i < len; i += 1) {
          const err = Math.abs(got[i] - ref[i]);
          assert.ok(err <= tolerance(name, xs[i], ref[i]), `${isa} ${name}(${xs[i]}) = ${got[i]}, want ${ref[i]}`);
        }
      }
    }
  });
}

test('unknown activation names are rejected', () => {
  assert.throws(() => t.activation('gelu_bogus', new Float32Array(1), 'scalar'), /gelu_bogus/);
});

test.run();
