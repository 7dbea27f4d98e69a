#!/usr/bin/env node
// GEMM throughput on ALBERT's shapes against this machine's measured FMA peak.
//
//   node bench/gemm.mjs [--threads 2] [--seconds 0.4] [--quick] [--record]
//
// Each case packs B once, then times single gemm calls natively (_testing.benchGemm: one
// untimed warm-up, then per-call wall times); the table shows the median and the best call.
// The peak is the native FMA loop (_testing.measurePeakGflops), best of three, on the same
// threads. On a shared machine other processes skew everything, so before each measurement
// the script waits (up to 30 s) for the CPUs to be idle and reports how often they were not.
// Attention's unpacked products run on 1 thread: attention parallelises over heads and calls
// gemm() without a pool. --record replaces the "## GEMM" section of bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');
const SECTION = '## GEMM';

const { values: opts } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '0.4' },
    quick: { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
  },
});
const threads = Number(opts.threads);
const seconds = Number(opts.seconds);

const addon = process.env.ALBERT_NATIVE_ADDON ?? path.join(ROOT, 'build', 'Release', 'albert_native.node');
const t = createRequire(import.meta.url)(addon)._testing;

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
    best = Math.max(best, t.measurePeakGflops(1, 0.3));
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

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function timeCase(c) {
  const flops = 2 * c.m * c.n * c.k;
  const th = c.threads ?? threads;
  // Calls needed for about `seconds`, from one probe call.
  const probe = median(t.benchGemm({ ...c, threads: th, iterations: 1 }));
  const iterations = Math.max(5, Math.min(5000, Math.round(seconds / Math.max(probe, 1e-6))));
  waitForQuiet();
  const times = t.benchGemm({ ...c, threads: th, iterations });
  return { median: flops / median(times) / 1e9, best: flops / Math.min(...times) / 1e9, ms: median(times) * 1e3 };
}

function peak() {
  let best = 0;
  for (let i = 0; i < 3; i += 1) {
    waitForQuiet();
    best = Math.max(best, t.measurePeakGflops(threads, 0.5));
  }
  return best;
}

function cpuModel() {
  try {
    const out = execFileSync('lscpu', { encoding: 'utf8' });
    return /Model name:\s*(.+)/.exec(out)?.[1].trim() ?? os.cpus()[0].model;
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

const fmt = (x) => x.toFixed(1);
const pct = (x, p) => `${((100 * x) / p).toFixed(0)}%`;

const loadBefore = os.loadavg()[0];
const peakBefore = peak();
const isa = t.cpu.best;
const bf16 = t.cpu.amxbf16 || t.cpu.avx512bf16;
const bf16Kernel = t.cpu.amxbf16 ? 'AMX' : 'AVX512-BF16';
const rows = [];
for (const m of MS) {
  for (const [n, k] of NK) {
    const base = { m, n, k, bTransposed: true, packed: true };
    const f32 = timeCase({ ...base, isa, precision: 'fp32' });
    const b16 = bf16 ? timeCase({ ...base, precision: 'bf16' }) : null;
    rows.push({ shape: `${m}×${n}×${k}`, f32, b16 });
    process.stderr.write(`${m}x${n}x${k}: fp32 ${fmt(f32.median)} bf16 ${b16 ? fmt(b16.median) : '-'} GFLOP/s\n`);
  }
}
const peak1 = singlePeak();
for (const a of ATTENTION) {
  const f32 = timeCase({ ...a, isa, precision: 'fp32', packed: false, threads: 1 });
  rows.push({ shape: `${a.label} (unpacked, 1 thread)`, f32, b16: null, peak: peak1 });
  process.stderr.write(`${a.label}: fp32 ${fmt(f32.median)} GFLOP/s\n`);
}
const peakAfter = peak();
const fmaPeak = Math.max(peakBefore, peakAfter);

const lines = [
  SECTION,
  '',
  `${new Date().toISOString().slice(0, 10)} · ${cpuModel()} · ${os.cpus().length} logical CPUs · ${threads} threads · ` +
    `node ${process.version} · \`node bench/gemm.mjs${threads !== 2 ? ` --threads ${threads}` : ''}\``,
  '',
  `Measured fp32 FMA peak (${isa} FMA chains, ${threads} threads): **${fmt(fmaPeak)} GFLOP/s** ` +
    `(${fmt(peakBefore)} before, ${fmt(peakAfter)} after the GEMM runs; 1 thread: ${fmt(peak1)}). ` +
    `fp32 uses the ${isa} kernel; bf16 uses ${bf16 ? bf16Kernel : 'nothing (unsupported here)'} with bf16 weights ` +
    `packed once and fp32 accumulation. Load average when the run started: ${loadBefore.toFixed(2)}; ` +
    `${noisy} of ${measurements} measurements could not wait for idle CPUs (other processes running).`,
  '',
  '| M×N×K | fp32 GFLOP/s median (best) | fp32 % of FMA peak | bf16 GFLOP/s median (best) | bf16 / fp32 |',
  '|---|---:|---:|---:|---:|',
  ...rows.map(({ shape, f32, b16, peak: p }) =>
    `| ${shape} | ${fmt(f32.median)} (${fmt(f32.best)}) | ${pct(f32.median, p ?? fmaPeak)} | ` +
    `${b16 ? `${fmt(b16.median)} (${fmt(b16.best)})` : '—'} | ${b16 ? `${(b16.median / f32.median).toFixed(2)}×` : '—'} |`),
  '',
];
const section = lines.join('\n');
process.stdout.write(`${section}\n`);

if (opts.record) {
  const old = fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  const start = old.indexOf(`${SECTION}\n`);
  let next;
  if (start < 0) {
    next = `${old.trimEnd()}\n\n${section}`;
  } else {
    const after = old.indexOf('\n## ', start + SECTION.length);
    next = old.slice(0, start) + section + (after < 0 ? '' : `\n${old.slice(after + 1)}`);
  }
  fs.writeFileSync(RESULTS, next.endsWith('\n') ? next : `${next}\n`);
  process.stderr.write(`recorded in ${path.relative(ROOT, RESULTS)}\n`);
}
