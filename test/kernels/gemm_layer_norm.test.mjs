// The GEMM epilogue's LayerNorm (Epilogue::layer_norm): on every path, the product with the
// LayerNorm fused gives bit for bit the product without it followed by the same ISA's
// layer_norm, whether each thread normalises its rows as they complete (fp32 and AMX, when
// threads own whole rows) or the driver normalises them afterwards (a column split, or the
// AVX512-BF16 path).
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { bf16Paths, fp32Isas, makeCase, randomFloats, t } from './gemm_helpers.mjs';

// [m, n, k]: one element; odd sizes; a single 32-row strip over a wide N (2 threads split the
// columns: no fusion); several row blocks (224 rows fp32, 512 AMX; 2 threads split the rows:
// fused); ALBERT's residual shapes (K = 3072: several K blocks in fp32).
const SHAPES = [[1, 1, 1], [7, 13, 29], [32, 2000, 64], [1100, 97, 61], [128, 768, 768], [256, 768, 3072]];

const paths = [
  ...fp32Isas.map((isa) => ({ label: isa, options: { isa, precision: 'fp32' }, lnIsa: isa })),
  ...bf16Paths.map((bf16Path) => ({ label: bf16Path, options: { precision: 'bf16', bf16Path }, lnIsa: 'avx512' })),
];

for (const { label, options, lnIsa } of paths) {
  test(`${label}: the LayerNorm epilogue equals the product, then layer_norm`, () => {
    SHAPES.forEach(([m, n, k], s) => {
      const base = { ...makeCase({ m, n, k, bTransposed: true, strided: s % 2 === 1, bias: true, residual: true, activation: 'gelu_new', seed: 40 + s }), ...options };
      const ln = { lnGamma: randomFloats(n, 70 + s), lnBeta: randomFloats(n, 80 + s), lnEps: 1e-12 };
      for (const threads of [1, 2]) {
        const plain = t.gemm({ ...base, threads });
        // layerNorm returns the rows' span; past it, C keeps what the product left (the sentinel).
        const want = Float32Array.from(plain);
        want.set(t.layerNorm({ isa: lnIsa, x: plain, rows: m, width: n, ld: base.ldc, gamma: ln.lnGamma, beta: ln.lnBeta, eps: ln.lnEps }));
        const got = t.gemm({ ...base, ...ln, threads });
        assert.equal(Array.from(got), Array.from(want), `${label} ${m}x${n}x${k} threads ${threads}`);
      }
    });
  });
}

test.run();
