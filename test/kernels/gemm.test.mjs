// fp32 GEMM: every ISA this CPU supports against gemm_reference on awkward shapes, packed and
// unpacked, both B layouts, strided, with every epilogue; thread-count determinism; ISA errors.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ACTIVATIONS, addonPath, compareGemm, cpu, fp32Isas, makeCase, t } from './gemm_helpers.mjs';

const FP32_REL = 1e-5;

// [m, n, k]: unit, primes, K = 1, N not a multiple of any tile width, K past one K block (the
// largest K block is 768: 769 and 1601 split K and accumulate into C), ALBERT's latency
// shapes, attention's shapes, and M = 0.
const SHAPES = [
  [1, 1, 1], [7, 13, 29], [2, 3, 1], [5, 17, 1], [3, 50, 40], [16, 33, 17], [31, 47, 300],
  [15, 31, 257], [14, 32, 256], [9, 40, 769], [17, 35, 1601], [1, 3072, 768], [129, 2304, 768],
  [0, 5, 5], [64, 512, 64], [64, 64, 512],
];

function check(opts, extra = {}) {
  const o = { ...opts, ...extra };
  const got = t.gemm(o);
  const err = compareGemm(o, got, FP32_REL);
  const { m, n, k } = o;
  assert.is(err, null, `${o.isa} ${m}x${n}x${k} bT=${o.bTransposed} packed=${o.packed} strided=${o.lda > k}: ${err}`);
}

for (const isa of fp32Isas) {
  test(`${isa}: awkward shapes, packed and unpacked, both B layouts`, () => {
    SHAPES.forEach(([m, n, k], s) => {
      for (const bTransposed of [false, true]) {
        const opts = makeCase({ m, n, k, bTransposed, seed: 10 * s + 1 });
        for (const packed of [true, false]) check(opts, { isa, packed, threads: 1 });
      }
    });
  });

  test(`${isa}: strided A, B, C and residual with the full epilogue`, () => {
    SHAPES.forEach(([m, n, k], s) => {
      const bTransposed = s % 2 === 0;
      const activation = ACTIVATIONS[s % ACTIVATIONS.length];
      const opts = makeCase({ m, n, k, bTransposed, strided: true, bias: true, residual: true, activation, seed: 7 * s });
      check(opts, { isa, packed: s % 3 !== 0, threads: 2 });
    });
  });

  test(`${isa}: bias + each activation + residual`, () => {
    ACTIVATIONS.forEach((activation, s) => {
      for (const [m, n, k] of [[19, 70, 37], [33, 96, 128]]) {
        check(makeCase({ m, n, k, bTransposed: true, bias: true, residual: true, activation, seed: 100 + s }), { isa, packed: true, threads: 2 });
      }
      check(makeCase({ m: 9, n: 21, k: 5, activation, seed: 200 + s }), { isa, packed: false, threads: 1 });
    });
  });

  test(`${isa}: 1, 2, 3 and 4 threads give identical results`, () => {
    // Each above the 3M multiply-adds below which gemm stays on one thread. Threads split
    // rows on 8-row boundaries that may fall inside a register tile (128 over 3 threads:
    // 48 + 48 + 32), or columns on panel boundaries (7 rows).
    const shapes = isa === 'scalar' ? [[64, 200, 300], [130, 96, 256]] : [[128, 768, 768], [300, 200, 333], [7, 3000, 200]];
    for (const [m, n, k] of shapes) {
      for (const packed of [true, false]) {
        const opts = { ...makeCase({ m, n, k, bTransposed: true, bias: true, activation: 'gelu', seed: m }), isa, packed };
        const one = Array.from(t.gemm({ ...opts, threads: 1 }));
        for (const threads of [2, 3, 4]) {
          assert.equal(Array.from(t.gemm({ ...opts, threads })), one, `${m}x${n}x${k} packed=${packed} threads=${threads}`);
        }
      }
    }
  });
}

test('ISAs: every supported one agrees with the reference on ALBERT FFN shape', () => {
  const opts = makeCase({ m: 20, n: 3072, k: 768, bTransposed: true, bias: true, activation: 'gelu_new', seed: 5 });
  for (const isa of fp32Isas) check(opts, { isa, packed: true, threads: 2 });
});

test('forcing an ISA the CPU lacks or an unknown one throws', () => {
  for (const isa of ['avx2', 'avx512', 'neon']) {
    if (cpu[isa]) continue;
    assert.throws(() => t.gemm({ ...makeCase({ m: 2, n: 2, k: 2 }), isa }), /not supported/);
  }
  assert.throws(() => t.gemm({ ...makeCase({ m: 2, n: 2, k: 2 }), isa: 'sse9' }), /unknown ISA 'sse9'/);
  assert.throws(() => t.gemm({ ...makeCase({ m: 2, n: 2, k: 2 }), activation: 'gelu_bogus' }), /gelu_bogus/);
});

test('bad arguments throw instead of reading out of bounds', () => {
  const opts = makeCase({ m: 4, n: 5, k: 6 });
  assert.throws(() => t.gemm({ ...opts, a: new Float32Array(3) }), /a has 3 elements/);
  assert.throws(() => t.gemm({ ...opts, lda: 2 }), /lda/);
});

test('cpu info names the best ISA', () => {
  assert.ok(['scalar', 'avx2', 'avx512', 'neon'].includes(cpu.best));
  assert.ok(fp32Isas.includes(cpu.best));
});

function childDefaultIsa(env) {
  const script = `try { console.log(require(${JSON.stringify(addonPath)}).defaultIsa()); } catch (e) { console.log('ERROR ' + e.message); }`;
  const run = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return run.stdout.trim();
}

test('ALBERT_ISA selects the ISA and rejects bad values clearly', () => {
  assert.is(childDefaultIsa({ ALBERT_ISA: 'scalar' }), 'scalar');
  assert.is(childDefaultIsa({ ALBERT_ISA: '' }), cpu.best);
  assert.match(childDefaultIsa({ ALBERT_ISA: 'bogus' }), /^ERROR ALBERT_ISA: unknown ISA 'bogus' \(expected scalar, avx2, avx512 or neon\)/);
  for (const isa of ['avx2', 'avx512', 'neon']) {
    const out = childDefaultIsa({ ALBERT_ISA: isa });
    if (cpu[isa]) assert.is(out, isa);
    else assert.match(out, /^ERROR ALBERT_ISA: ISA '.*' is not supported by this CPU/);
  }
});

test('measured FMA peak: the best ISA by default, or the one asked for (bench/gemm.mjs --isa)', () => {
  const vectorIsas = ['avx2', 'avx512', 'neon'].filter((isa) => cpu[isa]);
  if (vectorIsas.length > 0) assert.ok(t.measurePeakGflops(1, 0.05) > 1);
  for (const isa of vectorIsas) assert.ok(t.measurePeakGflops(1, 0.05, 'fp32', isa) > 1, isa);
  assert.is(t.measurePeakGflops(1, 0.05, 'fp32', 'scalar'), 0);
  const missing = ['avx2', 'avx512', 'neon'].find((isa) => !cpu[isa]);
  if (missing) assert.throws(() => t.measurePeakGflops(1, 0.05, 'fp32', missing), /not supported by this CPU/);
  assert.throws(() => t.measurePeakGflops(1, 0.05, 'fp32', 'bogus'), /unknown ISA 'bogus'/);
  assert.throws(() => t.measurePeakGflops(1, 0.05, 'bf16', 'avx2'), /fp32 peak only/);
});

test.run();
