#!/usr/bin/env node
// The vector kernels (activations, softmax, LayerNorm) on every ISA of this CPU, against their
// scalar references, on ALBERT-base shapes.
//
//   node bench/kernels.mjs [--seconds 0.5] [--record]
//
// Each case times single in-place calls natively (_testing.benchVector: the input is restored
// outside the timed region before every call), in 5 rounds interleaved across all cases; the
// table shows nanoseconds per element (median and best call) and the speed-up of the median
// over the scalar reference. One thread: the model runs these kernels per row block on each
// of its threads. --record replaces the "## Vector kernels" section of bench/RESULTS.md.
import { parseArgs } from 'node:util';

import { native } from './addon.mjs';
import { summarize } from './model/timing.mjs';
import { cpuModel, recordSection } from './results.mjs';

const SECTION = '## Vector kernels';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '0.5' },
    record: { type: 'boolean', default: false },
  },
});
const seconds = Number(opts.seconds);

const t = native._testing;
const cpu = native.cpuFeatures();
const isas = ['reference', ...['avx2', 'avx512', 'neon'].filter((isa) => cpu[isa])];

// Where ALBERT-base uses each kernel, for one sequence of 128 tokens.
const KERNELS = [
  { kernel: 'gelu_new', rows: 128, cols: 3072, use: 'FFN activation (albert-base-v2)' },
  { kernel: 'gelu', rows: 128, cols: 3072, use: 'FFN activation, erf form (hidden_act gelu)' },
  { kernel: 'tanh', rows: 128, cols: 768, use: 'pooler' },
  { kernel: 'softmax', rows: 12 * 128, cols: 128, use: 'attention scores, 12 heads' },
  { kernel: 'layerNorm', rows: 128, cols: 768, use: 'after attention and FFN' },
];

function timeCase(c, isa, budget) {
  const probe = Math.min(...t.benchVector({ ...c, isa, iterations: 3 }));
  const iterations = Math.max(3, Math.min(20000, Math.round(budget / Math.max(probe, 1e-7))));
  return Array.from(t.benchVector({ ...c, isa, iterations }));
}

const ROUNDS = 5;
const samples = new Map();
for (let round = 0; round < ROUNDS; round += 1) {
  for (const c of KERNELS) {
    for (const isa of isas) {
      const key = `${c.kernel}/${isa}`;
      if (!samples.has(key)) samples.set(key, []);
      samples.get(key).push(...timeCase(c, isa, seconds / ROUNDS));
    }
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}


const ns = (s, c) => (1e9 * s) / (c.rows * c.cols);
const rows = [];
for (const c of KERNELS) {
  const reference = summarize(samples.get(`${c.kernel}/reference`)).median;
  isas.forEach((isa, i) => {
    const xs = samples.get(`${c.kernel}/${isa}`);
    const med = summarize(xs).median;
    const kernel = i === 0 ? `${c.kernel} | ${c.use} | ${c.rows}×${c.cols}` : ' | | ';
    rows.push(`| ${kernel} | ${isa} | ${ns(med, c).toFixed(3)} (${ns(Math.min(...xs), c).toFixed(3)}) | ` +
      `${isa === 'reference' ? '1.0×' : `${(reference / med).toFixed(1)}×`} |`);
  });
}

const lines = [
  SECTION,
  '',
  `${new Date().toISOString().slice(0, 10)} · ${cpuModel()} · 1 thread · node ${process.version} · \`node bench/kernels.mjs\``,
  '',
  'Nanoseconds per element of one in-place call, on the shapes of one 128-token sequence of ALBERT-base; ' +
    '"reference" is the scalar code the vector kernels are tested against (libm-based activations). In the ' +
    'model the GEMMs apply the activation and LayerNorm in their epilogues, with these same vector routines.',
  '',
  '| kernel | where in ALBERT-base | rows×cols | ISA | ns/element median (best) | speed-up over reference |',
  '|---|---|---|---|---:|---:|',
  ...rows,
  '',
];
const section = lines.join('\n');
process.stdout.write(`${section}\n`);

if (opts.record) process.stderr.write(`recorded in ${recordSection(section)}\n`);
