// bf16 GEMM (weights packed to bf16, A converted on the fly, fp32 accumulation): the AMX and
// AVX512-BF16 kernels against the fp32 reference with a bf16-sized tolerance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ACTIVATIONS, bf16Paths, compareGemm, cpu, makeCase, randomFloats, t, toBf16, toBf16Partner } from './gemm_helpers.mjs';

// bf16 keeps 8 significant bits: each product is off by up to ~2^-8 relative.
const BF16_REL = 1e-2;

const SHAPES = [
  [1, 1, 1], [7, 13, 29], [2, 3, 1], [5, 17, 1], [3, 50, 40], [16, 33, 17], [17, 31, 33], [31, 47, 300],
  [33, 64, 64], [1, 3072, 768], [129, 2304, 768], [0, 5, 5], [64, 512, 64],
];

function check(opts, extra) {
  const o = { ...opts, precision: 'bf16', ...extra };
  const err = compareGemm(o, t.gemm(o), BF16_REL);
  assert.is(err, null, `${o.bf16Path} ${o.m}x${o.n}x${o.k} bT=${o.bTransposed} strided=${o.lda > o.k}: ${err}`);
}

for (const bf16Path of bf16Paths) {
  test(`bf16 ${bf16Path}: awkward shapes, both B layouts`, () => {
    SHAPES.forEach(([m, n, k], s) => {
      for (const bTransposed of [false, true]) check(makeCase({ m, n, k, bTransposed, seed: 10 * s + 1 }), { bf16Path, threads: 1 });
    });
  });

  test(`bf16 ${bf16Path}: strided, bias + each activation + residual`, () => {
    SHAPES.forEach(([m, n, k], s) => {
      const activation = ACTIVATIONS[s % ACTIVATIONS.length];
      check(makeCase({ m, n, k, bTransposed: s % 2 === 1, strided: true, bias: true, residual: true, activation, seed: 7 * s }), { bf16Path, threads: 2 });
    });
    ACTIVATIONS.forEach((activation, s) => {
      check(makeCase({ m: 19, n: 70, k: 37, bTransposed: true, bias: true, residual: true, activation, seed: 100 + s }), { bf16Path, threads: 2 });
    });
  });

  // Shapes that exercise the AMX driver's blocking: several 512-row A blocks, several B panel
  // groups, a last 32-row strip with <= 16 rows (one A tile), N not a multiple of 32 inside a
  // group, K not a multiple of 32, and the epilogue of one block finishing during the next
  // block's K loop (including the last block of a row block and of the whole call).
  test(`bf16 ${bf16Path}: blocking edges with bias + activation + residual`, () => {
    const edges = [[530, 600, 40], [517, 97, 3001], [1, 1, 3072], [33, 1, 1], [48, 17, 31], [1061, 67, 13], [16, 16, 32]];
    edges.forEach(([m, n, k], s) => {
      const activation = ['gelu_new', 'identity', 'gelu', 'relu'][s % 4];
      check(makeCase({ m, n, k, bTransposed: s % 2 === 0, strided: s % 3 === 0, bias: true, residual: s % 2 === 1, activation, seed: 500 + s }), { bf16Path, threads: s % 2 + 1 });
    });
  });

  test(`bf16 ${bf16Path}: 1 to 4 threads give identical results`, () => {
    // All >= 20M MACs, so they use every thread; 300 rows over 3 threads cut AMX strips at 16.
    for (const [m, n, k] of [[128, 768, 768], [300, 200, 400], [7, 3000, 1000]]) {
      const opts = { ...makeCase({ m, n, k, bTransposed: true, bias: true, activation: 'gelu', seed: m }), precision: 'bf16', bf16Path };
      const one = Array.from(t.gemm({ ...opts, threads: 1 }));
      for (const threads of [2, 3, 4]) assert.equal(Array.from(t.gemm({ ...opts, threads })), one, `${m}x${n}x${k} threads=${threads}`);
    }
  });
}


test('bf16 error is only the rounding of the inputs: exact fp32 product of rounded A and B', () => {
  for (const bf16Path of bf16Paths) {
    for (const [m, n, k, bTransposed] of [[50, 70, 768, true], [33, 47, 101, false], [530, 97, 61, true]]) {
      const o = makeCase({ m, n, k, bTransposed, bias: true, activation: 'gelu', seed: 4 });
      const rounded = { ...o, a: o.a.map(toBf16), b: o.b.map(toBf16) };
      const got = t.gemm({ ...o, precision: 'bf16', bf16Path, threads: 2 });
      const err = compareGemm(rounded, got, 1e-5);
      assert.is(err, null, `${bf16Path} ${m}x${n}x${k}: ${err}`);
    }
  }
});

if (cpu.amxbf16) {
  // gemm_packed's bf16-activation overloads: A read as bf16 gives bit for bit what fp32 A
  // gives (the kernel rounds A the same way); C written as bf16 is the fp32 C rounded.
  test('amx: bf16 activations in and out match the fp32-activation kernel exactly', () => {
    const cases = [...SHAPES.filter(([m, n, k]) => k > 0), [530, 600, 40], [517, 97, 3001], [33, 1, 1]];
    cases.forEach(([m, n, k], s) => {
      const activation = ACTIVATIONS[s % ACTIVATIONS.length];
      const o = { ...makeCase({ m, n, k, bTransposed: s % 2 === 0, strided: s % 3 === 0, bias: true, residual: s % 2 === 1, activation, seed: 900 + s }), precision: 'bf16', bf16Path: 'amx', threads: s % 2 + 1 };
      const want = t.gemm(o);
      const label = `${m}x${n}x${k} ${activation}`;
      assert.equal(Array.from(t.gemm({ ...o, bf16Activations: 'a' })), Array.from(want), `${label}: bf16 A`);
      assert.equal(Array.from(t.gemm({ ...o, bf16Activations: 'c' })), Array.from(want, toBf16), `${label}: bf16 C`);
    });
  });
}

// Weights for the rounding tests: random magnitudes over 2^-30..2^30, exact bf16 values, ties
// between two bf16 values, zeros, and values near the largest bf16 (no infinities or subnormals:
// 0 x inf and AMX reading subnormals as zero would spoil the read-back below).
function roundingSamples(count) {
  const r = randomFloats(2 * count, 91);
  const b = Float32Array.from({ length: count }, (_, i) => r[i] * 2 ** Math.round(r[count + i] * 30));
  b.set([0, -0, 1, -1.5, 1 + 2 ** -8, 1 + 3 * 2 ** -9, -(1 + 2 ** -9), 3e38, -3.38e38]);
  return b;
}

// C = I * B reads the packed B back exactly: a bf16 product of 1 or 0 with b, summed in fp32.
function packedWeights(bf16Path, bf16Rounding, b, k, n) {
  const a = new Float32Array(k * k);
  for (let i = 0; i < k; ++i) a[i * k + i] = 1;
  return t.gemm({ m: k, n, k, a, lda: k, b, ldb: n, ldc: n, bTransposed: false, precision: 'bf16', bf16Path, bf16Rounding, threads: 1 });
}

test('partner rounding packs nearest(2 b - nearest(b)); with nearest(b) its mean is within 1/4 ulp of b', () => {
  const k = 19, n = 37;
  const b = roundingSamples(k * n);
  for (const bf16Path of bf16Paths) {
    const nearest = packedWeights(bf16Path, 'nearest', b, k, n);
    const partner = packedWeights(bf16Path, 'partner', b, k, n);
    let differs = 0;
    for (let i = 0; i < b.length; ++i) {
      assert.is(nearest[i], toBf16(b[i]), `${bf16Path} nearest(${b[i]})`);
      assert.is(partner[i], toBf16Partner(b[i]), `${bf16Path} partner(${b[i]})`);
      if (partner[i] !== nearest[i]) differs += 1;
      if (!Number.isFinite(nearest[i] + partner[i]) || b[i] === 0) continue;
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(b[i]))) - 7);
      const meanError = Math.abs((nearest[i] + partner[i]) / 2 - b[i]);
      assert.ok(meanError <= ulp / 4 * (1 + 1e-6), `${bf16Path} b=${b[i]}: mean of the pair off by ${meanError / ulp} ulp`);
    }
    // About half the weights lie over a quarter ulp from their nearest bf16.
    assert.ok(differs > b.length / 3 && differs < (2 * b.length) / 3, `${bf16Path}: ${differs} of ${b.length} partners differ`);
  }
});

test('bf16 activations are refused off the AMX path', () => {
  const o = { ...makeCase({ m: 4, n: 4, k: 4, seed: 1 }), precision: 'fp32' };
  assert.throws(() => t.gemm({ ...o, bf16Activations: 'a' }), /AMX/);
  if (cpu.avx512bf16) assert.throws(() => t.gemm({ ...o, precision: 'bf16', bf16Path: 'avx512bf16', bf16Activations: 'c' }), /AMX/);
});

test('bf16 paths agree with each other to bf16 rounding of the inputs', () => {
  if (bf16Paths.length < 2) return;
  // Both round A and B to bf16 identically and accumulate in fp32, so they differ only in
  // summation order: far below the bf16 tolerance.
  const o = { ...makeCase({ m: 45, n: 96, k: 200, bTransposed: true, seed: 3 }), precision: 'bf16', threads: 1 };
  const amx = t.gemm({ ...o, bf16Path: 'amx' });
  const dot = t.gemm({ ...o, bf16Path: 'avx512bf16' });
  let worst = 0;
  for (let i = 0; i < amx.length; i += 1) worst = Math.max(worst, Math.abs(amx[i] - dot[i]));
  assert.ok(worst < 1e-4, `max difference ${worst}`);
});

test('bf16 without the hardware, or a forced path the CPU lacks, throws clearly', () => {
  const o = { ...makeCase({ m: 2, n: 2, k: 2 }), precision: 'bf16' };
  if (bf16Paths.length === 0) assert.throws(() => t.gemm(o), /bf16 needs AMX-BF16 or AVX512-BF16/);
  if (!cpu.amxbf16) assert.throws(() => t.gemm({ ...o, bf16Path: 'amx' }), /AMX-BF16/);
  if (!cpu.avx512bf16) assert.throws(() => t.gemm({ ...o, bf16Path: 'avx512bf16' }), /AVX512-BF16/);
  assert.throws(() => t.gemm({ ...o, bf16Path: 'tpu' }), /unknown bf16 path 'tpu'/);
  assert.throws(() => t.gemm({ ...o, precision: 'fp8' }), /precision must be/);
});

test.run();
