// int8 GEMM (precision 'int8'): B quantised per column, A per row, int32 sums, scaled back to
// fp32. The products are integer arithmetic, so they are checked exactly: against the same
// quantisation computed here in JS (float32 steps emulated with Math.fround), for the scalar
// kernel and for AVX512-VNNI. The epilogues are checked against the fp32 reference within what
// rounding the inputs to 8 bits can move a result (int8Bound).
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ACTIVATIONS, cpu, makeCase, t } from './gemm_helpers.mjs';

// The int8 kernels, by the isa that selects them: scalar always, AVX-VNNI (avx2) and
// AVX512-VNNI (avx512) where the CPU has them.
const KERNELS = ['scalar', ...(cpu.avxvnni ? ['avx2'] : []), ...(cpu.avx512vnni ? ['avx512'] : [])];


const SHAPES = [
  [1, 1, 1], [2, 3, 1], [7, 13, 29], [5, 17, 3], [16, 33, 17], [17, 31, 33], [9, 64, 5], [31, 47, 300],
  [33, 64, 64], [1, 3072, 768], [129, 2304, 768], [0, 5, 5], [300, 40, 97],
];

const f = Math.fround;

// quantise() of int8.cc: symmetric, round half away from zero, clamped to +-127.
function quantiser(values) {
  let maxAbs = 0;
  for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs > 0 ? f(maxAbs / 127) : 1;
  const inv = f(1 / scale);
  const quantise = (x) => {
    const y = Math.min(127, Math.max(-127, f(x * inv)));
    return Math.trunc(f(y + (y >= 0 ? 0.5 : -0.5)));
  };
  return { scale, q: values.map(quantise) };
}

// C = A B as the int8 path computes it, bit for bit (no epilogue).
function exactInt8(o) {
  const { m, n, k, lda, ldb, ldc, bTransposed } = o;
  const rows = Array.from({ length: m }, (_, i) => quantiser(Array.from(o.a.subarray(i * lda, i * lda + k))));
  const cols = Array.from({ length: n }, (_, j) =>
    quantiser(Array.from({ length: k }, (_, kk) => (bTransposed ? o.b[j * ldb + kk] : o.b[kk * ldb + j]))));
  const c = Float32Array.from(o.c);
  for (let i = 0; i < m; ++i) {
    for (let j = 0; j < n; ++j) {
      let sum = 0;
      for (let kk = 0; kk < k; ++kk) sum += rows[i].q[kk] * cols[j].q[kk];
      c[i * ldc + j] = f(f(sum) * f(rows[i].scale * cols[j].scale));
    }
  }
  return c;
}

// Rounding a row of A and a column of B to 8 bits moves each value by at most half a step,
// da = max|a_i.| / 254 and db = max|b_.j| / 254, so C[i][j] may be off by
// db sum|a_ik| + da sum|b_kj| + K da db; the activations (slope <= 1.2) carry that on. Returns
// the worst element outside that bound (plus fp32 rounding), or null.
function compareInt8(o, got) {
  const { m, n, k, lda, ldb, ldc, bTransposed } = o;
  const want = t.gemmReference(o);
  const aAt = (i, kk) => Math.abs(o.a[i * lda + kk]);
  const bAt = (kk, j) => Math.abs(bTransposed ? o.b[j * ldb + kk] : o.b[kk * ldb + j]);
  const stats = (count, at) => Array.from({ length: count }, (_, x) => {
    let step = 0, sum = 0;
    for (let kk = 0; kk < k; ++kk) step = Math.max(step, at(x, kk) / 254), sum += at(x, kk);
    return { step, sum };
  });
  const rows = stats(m, aAt);
  const cols = stats(n, (j, kk) => bAt(kk, j));
  for (let i = 0; i < m; ++i) {
    for (let j = 0; j < n; ++j) {
      const quantisation = cols[j].step * rows[i].sum + rows[i].step * cols[j].sum + k * rows[i].step * cols[j].step;
      const tol = 1.2 * 1.01 * quantisation + 1e-5 * (1 + Math.abs(want[i * ldc + j]));
      const err = Math.abs(got[i * ldc + j] - want[i * ldc + j]);
      if (!(err <= tol)) return `C[${i}][${j}] = ${got[i * ldc + j]}, want ${want[i * ldc + j]} (err ${err.toExponential(2)}, tol ${tol.toExponential(2)})`;
    }
  }
  return null;
}

function firstDifference(got, want) {
  for (let i = 0; i < want.length; ++i) if (!Object.is(got[i], want[i])) return `element ${i}: ${got[i]} != ${want[i]}`;
  return null;
}

for (const isa of KERNELS) {
  test(`int8 ${isa}: products exactly as the quantisation defines them, awkward shapes, both B layouts, 1 and 2 threads`, () => {
    SHAPES.forEach(([m, n, k], s) => {
      for (const bTransposed of [false, true]) {
        const o = makeCase({ m, n, k, bTransposed, strided: s % 2 === 0, seed: 31 * s + 5 });
        const want = exactInt8(o);
        for (const threads of [1, 2]) {
          const diff = firstDifference(t.gemm({ ...o, precision: 'int8', isa, threads }), want);
          assert.is(diff, null, `${m}x${n}x${k} bT=${bTransposed} threads=${threads}: ${diff}`);
        }
      }
    });
  });

  test(`int8 ${isa}: bias, each activation and residual, against the fp32 reference`, () => {
    SHAPES.forEach(([m, n, k], s) => {
      const activation = ACTIVATIONS[s % ACTIVATIONS.length];
      const o = makeCase({ m, n, k, bTransposed: s % 2 === 1, strided: true, bias: true, residual: true, activation, seed: 11 * s });
      const err = compareInt8(o, t.gemm({ ...o, precision: 'int8', isa, threads: 2 }));
      assert.is(err, null, `${m}x${n}x${k} ${activation}: ${err}`);
    });
  });

  test(`int8 ${isa}: a LayerNorm epilogue normalises the int8 product's rows`, () => {
    const o = makeCase({ m: 45, n: 96, k: 70, bTransposed: true, bias: true, residual: true, seed: 3 });
    const gamma = Float32Array.from({ length: o.n }, (_, j) => 0.5 + j / o.n);
    const beta = Float32Array.from({ length: o.n }, (_, j) => j / 100);
    for (const threads of [1, 2]) {
      const plain = t.gemm({ ...o, precision: 'int8', isa, threads });
      const normed = t.gemm({ ...o, precision: 'int8', isa, threads, lnGamma: gamma, lnBeta: beta, lnEps: 1e-12 });
      for (let i = 0; i < o.m; ++i) {
        const row = plain.subarray(i * o.ldc, i * o.ldc + o.n);
        const mean = row.reduce((a, b) => a + b, 0) / o.n;
        const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / o.n;
        for (let j = 0; j < o.n; ++j) {
          const want = ((row[j] - mean) / Math.sqrt(variance + 1e-12)) * gamma[j] + beta[j];
          const got = normed[i * o.ldc + j];
          if (!(Math.abs(got - want) <= 1e-4 * (1 + Math.abs(want)))) assert.unreachable(`threads ${threads} C[${i}][${j}] = ${got}, want ${want}`);
        }
      }
    }
  });
}

test('every int8 kernel agrees with the scalar one bit for bit on a model-sized product', () => {
  const o = makeCase({ m: 70, n: 768, k: 3072, bTransposed: true, seed: 77 });
  const want = t.gemm({ ...o, precision: 'int8', isa: 'scalar', threads: 1 });
  for (const isa of KERNELS.slice(1)) {
    const diff = firstDifference(t.gemm({ ...o, precision: 'int8', isa, threads: 2 }), want);
    assert.is(diff, null, `${isa}: ${diff}`);
  }
});

test('int8 on an isa whose VNNI instructions the CPU lacks is refused', () => {
  const o = makeCase({ m: 3, n: 5, k: 7, seed: 9 });
  if (cpu.avx2 && !cpu.avxvnni) assert.throws(() => t.gemm({ ...o, precision: 'int8', isa: 'avx2' }), /AVX-VNNI/);
  if (cpu.avx512 && !cpu.avx512vnni) assert.throws(() => t.gemm({ ...o, precision: 'int8', isa: 'avx512' }), /AVX512-VNNI/);
  assert.ok(KERNELS.includes('scalar'));
});

test.run();
