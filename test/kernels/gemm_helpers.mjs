// Shared by the kernel tests: the addon, seeded inputs, and a GEMM comparison whose tolerance
// scales with what rounding can actually accumulate (sum over k of |a_ik| |b_kj|).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// ALBERT_NATIVE_ADDON lets a kernel developer test a build made outside build/Release.
export const addonPath =
  process.env.ALBERT_NATIVE_ADDON ?? fileURLToPath(new URL('../../build/Release/albert_native.node', import.meta.url));
export const native = createRequire(import.meta.url)(addonPath);
export const t = native._testing;
// The addon's public CPU probe: { avx2, avx512, neon, avx512bf16, amxbf16, best }.
export const cpu = native.cpuFeatures();

export const ACTIVATIONS = ['identity', 'gelu', 'gelu_new', 'gelu_fast', 'quick_gelu', 'relu', 'silu', 'tanh'];

// The fp32 ISAs this CPU runs (scalar always).
export const fp32Isas = ['scalar', ...['avx2', 'avx512', 'neon'].filter((isa) => cpu[isa])];
export const bf16Paths = [...(cpu.amxbf16 ? ['amx'] : []), ...(cpu.avx512bf16 ? ['avx512bf16'] : [])];

// Round-to-nearest-even to bf16 (as VCVTNE2PS2BF16 and pack_b do), returned as the float it
// represents.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
export function toBf16(x) {
  f32[0] = x;
  u32[0] = ((u32[0] + 0x7fff + ((u32[0] >>> 16) & 1)) >>> 0) & 0xffff0000;
  return f32[0];
}

// The partner rounding (gemm.h Bf16Rounding::kPartner): nearest(float(2 x - nearest(x))).
export function toBf16Partner(x) {
  const nearest = toBf16(x);
  const target = Math.fround(2 * Math.fround(x) - nearest);
  return Number.isFinite(x) && Number.isFinite(target) ? toBf16(target) : nearest;
}

// Deterministic uniform [-1, 1) floats (mulberry32), so a failure reproduces.
export function randomFloats(count, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 1) {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    out[i] = (((z ^ (z >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

const SENTINEL = 12345;

// Builds the options of one GEMM call: strided (every leading dimension wider than its row)
// when `strided`, B stored [N, K] when bTransposed; C starts filled with a sentinel so the
// comparison can check that the gaps between rows are never written.
// Cases are memoised, so every ISA reuses the inputs (and the cached reference result).
const cases = new Map();
export function makeCase(spec) {
  const key = JSON.stringify(spec);
  if (!cases.has(key)) cases.set(key, buildCase(spec));
  return cases.get(key);
}

function buildCase({ m, n, k, bTransposed = false, strided = false, bias = false, residual = false, activation = 'identity', seed = 1 }) {
  const pad = strided ? 3 : 0;
  const lda = k + pad;
  const ldb = (bTransposed ? k : n) + pad + 2;
  const ldc = n + pad + 4;
  const ldr = n + pad + 1;
  const bRows = bTransposed ? n : k;
  const opts = {
    m, n, k, lda, ldb, ldc, bTransposed, activation,
    a: randomFloats(Math.max(1, m * lda), seed),
    b: randomFloats(Math.max(1, bRows * ldb), seed + 1),
    c: new Float32Array(m * ldc).fill(SENTINEL),
  };
  if (bias) opts.bias = randomFloats(n, seed + 2);
  if (residual) {
    opts.residual = randomFloats(Math.max(1, m * ldr), seed + 3);
    opts.ldr = ldr;
  }
  return opts;
}

const abs = (x) => x && Float32Array.from(x, Math.abs);

// The reference result and error bound of a case, computed once per case: tests run the same
// inputs through several paths (packed, unpacked, thread counts).
const references = new WeakMap();
function reference(opts) {
  const key = JSON.stringify([opts.m, opts.n, opts.k, opts.lda, opts.ldb, opts.ldc, opts.ldr, opts.bTransposed, opts.activation]);
  let perA = references.get(opts.a);
  if (!perA) references.set(opts.a, (perA = new Map()));
  let entry = perA.get(key);
  if (!entry || entry.b !== opts.b || entry.bias !== opts.bias || entry.residual !== opts.residual) {
    entry = {
      b: opts.b, bias: opts.bias, residual: opts.residual,
      want: t.gemmReference(opts),
      bound: t.gemmReference({ ...opts, a: abs(opts.a), b: abs(opts.b), bias: abs(opts.bias), residual: abs(opts.residual), activation: 'identity', c: undefined }),
    };
    perA.set(key, entry);
  }
  return entry;
}

// Compares gemm output `got` against gemmReference for `opts`. Tolerance per element:
// rel * (sum_k |a||b| + |bias| + |residual|) plus a few ulps of the value (vectorised
// activations), so fp32 (rel ~1e-5) and bf16 (rel ~1e-2) share one check. Returns a message
// describing the worst element, or null when all pass.
export function compareGemm(opts, got, rel) {
  const { want, bound } = reference(opts);
  const { m, n, ldc } = opts;
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  let worst = null;
  for (let i = 0; i < m; i += 1) {
    for (let j = 0; j < ldc; j += 1) {
      const idx = i * ldc + j;
      if (j >= n) {
        if (got[idx] !== SENTINEL) return `gap C[${i}][${j}] overwritten with ${got[idx]}`;
        continue;
      }
      const err = Math.abs(got[idx] - want[idx]);
      const tol = rel * bound[idx] + 4e-7 * Math.abs(want[idx]) + 1e-6;
      if (!(err <= tol) && (!worst || err / tol > worst.ratio)) {
        worst = { ratio: err / tol, msg: `C[${i}][${j}] = ${got[idx]}, want ${want[idx]} (err ${err.toExponential(2)}, tol ${tol.toExponential(2)})` };
      }
    }
  }
  return worst && worst.msg;
}
