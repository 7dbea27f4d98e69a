#!/usr/bin/env node
// GEMM throughput on ALBERT's shapes against this machine's measured FMA peak.
//
//   node bench/gemm.mjs [--threads 2] [--seconds 1] [--isa NAME] [--quick] [--record]
//
// --seconds: timed seconds per case (over all rounds). --isa: time that fp32 kernel (scalar,
// avx2, avx512 or neon; default the best the CPU has) against its own FMA peak; a kernel other
// than the best one is timed without the bf16 columns and recorded in its own section.
//
// Each case packs B once, then times single gemm calls natively (_testing.benchGemm: one
// untimed warm-up, then per-call wall times), in 5 rounds interleaved across all cases; the
// table shows the median and the best call.
// The peak is the native FMA loop (_testing.measurePeakGflops), best of three, on the same
// threads. On a shared machine other processes skew everything, so before each measurement
// the script waits (up to 30 s) for the CPUs to be idle and reports how often they were not.
// Attention's unpacked products run on 1 thread: attention parallelises over heads and calls
// gemm() without a pool. --record replaces the "## GEMM" section of bench/RESULTS.md (with
// --isa, its own "## GEMM, <isa> kernel" section).
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';

import { native } from './addon.mjs';
import { summarize } from './model/timing.mjs';
import { cpuModel, recordSection } from './results.mjs';


const { values: opts } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
    isa: { type: 'string' },
    record: { type: 'boolean', default: false },
  },
});
const threads = Number(opts.threads);
const seconds = Number(opts.seconds);

const t = native._testing;
const cpu = native.cpuFeatures();
const isa = opts.isa ?? cpu.best;
const available = ['scalar', ...['avx2', 'avx512', 'neon'].filter((x) => cpu[x])];
if (!available.includes(isa)) {
  process.stderr.write(`--isa ${isa}: not an ISA this CPU has (${available.join(', ')})\n`);
  process.exit(2);
}
// The bf16 kernels do not depend on the fp32 ISA: they are timed with the best one only.
const withBf16 = isa === cpu.best;
const SECTION = withBf16 ? '## GEMM' : `## GEMM, ${isa} kernel`;
// What each fp32 kernel is, for the notes under the table.
const KERNEL_NOTES = {
  avx512: '14×32 AVX-512 register tile',
  avx2: '6×16 AVX2 register tile',
  neon: '8×12 NEON register tile',
  scalar: '4×16 portable C++ tile (the reference path; no FMA loop to quote it against)',
};

// ALBERT-base: hidden 768, FFN 3072, fused QKV 2304, embedding 128 -> 768 projection.
const NK = [[768, 768], [2304, 768], [3072, 768], [768, 3072], [768, 128]];
const MS = opts.quick ? [128] : [128, 4096];
// Attention's unpacked products for one head block: Q K^T (B = K, transposed) and P V.
const ATTENTION = [
  { m: 64, n: 512, k: 64, bTransposed: true, label: 'Q·Kᵀ 64×512×64' },
  { m: 64, n: 64, k: 512, bTransposed: false, label: 'P·V 64×64×512' },
];
const singlePeak = () => {
  let best = 0;
  for (let i = 0; i < 3; i += 1) {
    waitForQuiet();
    best = Math.max(best, t.measurePeakGflops(1, 0.3, 'fp32', isa));
  }
  return best;
};

// Fraction of CPU time (all CPUs) that was busy over `ms`, from /proc/stat; null off Linux.
function busyFraction(ms) {
  const read = () => {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3] + (f[4] || 0), total: f.reduce((x, y) => x + y, 0) };
  };
  try {
    const a = read();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    const b = read();
    return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
  } catch {
    return null;
  }
}

let noisy = 0;
let measurements = 0;
// Waits until other processes leave the CPUs (nearly) idle, up to 30 s.
function waitForQuiet() {
  measurements += 1;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const busy = busyFraction(300);
    if (busy === null || busy < 0.1) return;
    if (Date.now() > deadline) {
      noisy += 1;
      return;
    }
  }
}

// Per-call seconds of one case over `budget` seconds (one untimed warm-up call inside).
function sampleCase(c, budget) {
  const th = c.threads ?? threads;
  const probe = Math.min(...t.benchGemm({ ...c, threads: th, iterations: 1 }));
  const iterations = Math.max(3, Math.min(5000, Math.round(budget / Math.max(probe, 1e-6))));
  waitForQuiet();
  // ~50 ms untimed first: after the idle wait the cores need to clock up again and B to
  // return to the caches.
  t.benchGemm({ ...c, threads: th, iterations: Math.max(1, Math.min(5000, Math.round(0.05 / Math.max(probe, 1e-6)))) });
  return Array.from(t.benchGemm({ ...c, threads: th, iterations }));
}

// Times every case in ROUNDS interleaved rounds and pools the samples, so a burst of load
// from elsewhere spreads over all cases instead of sinking one of them.
const ROUNDS = 5;
function timeCases(cases) {
  const samples = cases.map(() => []);
  for (let round = 0; round < ROUNDS; round += 1) {
    cases.forEach((c, i) => samples[i].push(...sampleCase(c, seconds / ROUNDS)));
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  return cases.map((c, i) => {
    const flops = 2 * c.m * c.n * c.k;
    return { median: flops / summarize(samples[i]).median / 1e9, best: flops / Math.min(...samples[i]) / 1e9 };
  });
}

function peak() {
  let best = 0;
  for (let i = 0; i < 3; i += 1) {
    waitForQuiet();
    best = Math.max(best, t.measurePeakGflops(threads, 0.5, 'fp32', isa));
  }
  return best;
}


const fmt = (x) => x.toFixed(1);
const pct = (x, p) => `${((100 * x) / p).toFixed(0)}%`;

const loadBefore = os.loadavg()[0];
const peakBefore = peak();
const bf16 = withBf16 && (cpu.amxbf16 || cpu.avx512bf16);
const bf16Kernel = cpu.amxbf16 ? 'AMX' : 'AVX512-BF16';
// int8 goes with the bf16 columns, timed on the fastest int8 kernel the CPU has.
const int8Isa = cpu.avx512vnni ? 'avx512' : cpu.avxvnni ? 'avx2' : cpu.neondotprod ? 'neon' : null;
const int8 = withBf16 && int8Isa !== null;
const INT8_KERNELS = { avx512: 'AVX512-VNNI', avx2: 'AVX-VNNI', neon: 'the NEON dot product' };
const cases = [];
for (const m of MS) {
  for (const [n, k] of NK) {
    const base = { m, n, k, bTransposed: true, packed: true };
    cases.push({
      shape: `${m}×${n}×${k}`,
      f32: { ...base, isa, precision: 'fp32' },
      b16: bf16 ? { ...base, precision: 'bf16' } : null,
      i8: int8 ? { ...base, isa: int8Isa, precision: 'int8' } : null,
    });
  }
}
for (const a of ATTENTION) {
  cases.push({ shape: `${a.label} (unpacked, 1 thread)`, f32: { ...a, isa, precision: 'fp32', packed: false, threads: 1 }, b16: null, i8: null, single: true });
}
// All fp32 cases, then all int8 and bf16 ones: switching between AVX-512 and AMX code moves the
// core between frequency licences, which would tax whichever case runs right after a switch.
const flat = [...cases.map((c) => c.f32), ...cases.map((c) => c.i8).filter(Boolean), ...cases.map((c) => c.b16).filter(Boolean)];
const timed = timeCases(flat);
const result = new Map(flat.map((c, i) => [c, timed[i]]));
const peak1 = singlePeak();
let amxPeak = 0;
if (bf16 && cpu.amxbf16) {
  for (let i = 0; i < 3; i += 1) {
    waitForQuiet();
    amxPeak = Math.max(amxPeak, t.measurePeakGflops(threads, 0.3, 'bf16'));
  }
}
const rows = cases.map((c) => ({
  shape: c.shape,
  f32: result.get(c.f32),
  b16: c.b16 ? result.get(c.b16) : null,
  i8: c.i8 ? result.get(c.i8) : null,
  peak: c.single ? peak1 : undefined,
}));
const peakAfter = peak();
const fmaPeak = Math.max(peakBefore, peakAfter);

const pctOrDash = (x, p) => (p > 0 ? pct(x, p) : '—');
const command = `node bench/gemm.mjs${threads !== 2 ? ` --threads ${threads}` : ''}${withBf16 ? '' : ` --isa ${isa}`}`;
const bf16Note = withBf16
  ? `bf16 uses ${bf16 ? bf16Kernel : 'nothing (unsupported here)'} with bf16 weights packed once and fp32 accumulation` +
    `${amxPeak ? ` (measured AMX TDPBF16PS peak, ${threads} threads: ${fmt(amxPeak)} GFLOP/s)` : ''}; ` +
    `int8 ${int8 ? `uses ${INT8_KERNELS[int8Isa]} with int8 weights packed once, A quantised per row on every call (counted in the time), int32 sums (GOP/s: 2 per multiply-add)` : 'is not timed (no int8 vector kernel here)'}. `
  : `bf16 is not timed here (its kernels do not depend on the fp32 ISA; see the GEMM section). `;
const fp32Kernel = isa === 'avx512'
  ? 'fp32 kernel: 14×32 AVX-512 register tile, B packed once in 32-wide panels, A packed per block with in-register ' +
    '16×16 transposes, K blocked at ≤ 768, C split between threads (rows on 8-row boundaries, columns on 32-wide panel boundaries). '
  : `fp32 kernel: ${KERNEL_NOTES[isa]}, B packed once in panels of the tile's width, A packed per block, C split between threads. `;
const bf16Kernels = withBf16
  ? 'bf16 kernel: AMX 2×2 tiles (32×32 of C per block) over the whole K, A converted to bf16 once per ≤512-row block ' +
    'into tile-ordered 32-row strips (each K step one contiguous 2 KiB), B in VNNI pairs; C tiles go to an L1 ' +
    'buffer and the epilogue (bias, activation, residual) of each block runs interleaved with the next block\'s ' +
    'AMX K loop, writing C once. '
  : '';

const lines = [
  SECTION,
  '',
  `${new Date().toISOString().slice(0, 10)} · ${cpuModel()} · ${os.cpus().length} logical CPUs · ${threads} threads · ` +
    `node ${process.version} · \`${command}\``,
  '',
  (fmaPeak > 0
    ? `Measured fp32 FMA peak (${isa} FMA chains, ${threads} threads): **${fmt(fmaPeak)} GFLOP/s** ` +
      `(${fmt(peakBefore)} before, ${fmt(peakAfter)} after the GEMM runs; 1 thread: ${fmt(peak1)}). `
    : 'No FMA peak to quote: the scalar path has no vector FMA loop. ') +
    `fp32 uses the ${isa} kernel; ${bf16Note}` +
    `Load average when the run started: ${loadBefore.toFixed(2)}; ` +
    `${noisy} of ${measurements} measurements could not wait for idle CPUs (other processes running).`,
  '',
  ...(withBf16
    ? [
      '| M×N×K | fp32 GFLOP/s median (best) | fp32 % of FMA peak | bf16 GFLOP/s median (best) | bf16 / fp32 | bf16 % of AMX peak | int8 GOP/s median (best) | int8 / fp32 |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    ]
    : ['| M×N×K | fp32 GFLOP/s median (best) | fp32 % of FMA peak |', '|---|---:|---:|']),
  ...rows.map(({ shape, f32, b16, i8, peak: p }) => {
    const fp32Cells = `| ${shape} | ${fmt(f32.median)} (${fmt(f32.best)}) | ${pctOrDash(f32.median, p ?? fmaPeak)} |`;
    if (!withBf16) return fp32Cells;
    const timedCells = (x) => (x ? `${fmt(x.median)} (${fmt(x.best)}) | ${(x.median / f32.median).toFixed(2)}× |` : '— | — |');
    return `${fp32Cells} ${timedCells(b16)} ${b16 && amxPeak ? pct(b16.median, amxPeak) : '—'} | ${timedCells(i8)}`;
  }),
  '',
  'Reading the table: this is a shared VM, and its speed drifts by ±20% over minutes even when its own CPUs are ' +
    'idle (neighbours on the host); the median is what a call typically got during this run, the best call ' +
    'approximates the uncontended speed. The FMA peak is measured in short bursts, so the percentages are ' +
    `conservative. ${fp32Kernel}${bf16Kernels}` +
    'Attention rows: `gemm()` without a pool, B = K packed per call (Q·Kᵀ) or read in place (P·V).',
  '',
];
const section = lines.join('\n');
process.stdout.write(`${section}\n`);

if (opts.record) process.stderr.write(`recorded in ${recordSection(section)}\n`);
