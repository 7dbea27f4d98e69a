// Formatting: the console table, the targets from issue #4, and the
// `## Model vs onnxruntime-node` section of bench/RESULTS.md.

import os from 'node:os';

import { readLscpu } from '../results.mjs';
import { pairedRatio } from './timing.mjs';

export const SECTION_TITLE = '## Model vs onnxruntime-node';
export const ACCURACY_LIMIT = 1e-3;

/** The machine and software a run happened on. */
export function environment({ ortVersion, isa, threads, argv, loadAtStart }) {
  const lscpu = readLscpu();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: lscpu['Model name'] ?? os.cpus()[0]?.model ?? 'unknown',
    cores: `${lscpu['CPU(s)'] ?? os.cpus().length} logical CPUs (${os.availableParallelism()} available)`,
    node: process.version,
    ort: ortVersion,
    isa,
    threads,
    load: `${formatLoad(loadAtStart)} at start, ${formatLoad(os.loadavg())} at end`,
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
  };
}

function formatLoad([one, five]) {
  return `${one.toFixed(1)} (1 min) / ${five.toFixed(1)} (5 min)`;
}

/**
 * One row per engine per case. `result` (from run.mjs):
 * { testCase, inputs, timings: Map label -> {median, min, samples}, accuracy: Map label -> compareOutputs() }
 */
export function tableRows(results, referenceLabel) {
  const rows = [];
  for (const { testCase, inputs, timings, accuracy, failures } of results) {
    const reference = timings.get(referenceLabel);
    for (const [label, t] of timings) {
      const acc = accuracy.get(label);
      rows.push({
        case: `${testCase.name} (${testCase.title})`,
        engine: label,
        'median ms': t.median.toFixed(1),
        'min ms': t.min.toFixed(1),
        n: t.samples.length,
        'tokens/s': Math.round((inputs.tokens * 1000) / t.median).toString(),
        ratio: label === referenceLabel ? '1.00' : (reference.median / t.median).toFixed(2),
        'ratio of mins': label === referenceLabel ? '1.00' : (reference.min / t.min).toFixed(2),
        'paired ratio': label === referenceLabel ? '1.00' : pairedRatio(reference, t).toFixed(2),
        'max abs diff hidden': acc ? acc.hiddenMaxAbs.toExponential(2) : 'ref',
        'max abs diff pooler': acc ? acc.poolerMaxAbs.toExponential(2) : 'ref',
        'min cos': acc ? acc.hiddenMinCosine.toFixed(6) : 'ref',
      });
    }
    for (const [label, message] of failures ?? []) rows.push(failedRow(`${testCase.name} (${testCase.title})`, label, message));
  }
  return rows;
}

function failedRow(caseName, engine, message) {
  const row = { case: caseName, engine, 'median ms': `failed: ${message}` };
  for (const col of ['min ms', 'n', 'tokens/s', 'ratio', 'ratio of mins', 'paired ratio', 'max abs diff hidden', 'max abs diff pooler', 'min cos']) row[col] = '-';
  return row;
}

const percent = (share) => (share === undefined ? '-' : `${(100 * share).toFixed(0)}%`);
const pair = (a, b, digits) => (a === undefined ? '-' : `${a.toFixed(digits)} / ${b.toFixed(digits)}`);

/** One row per engine per case: its arithmetic rate, share of the peak, and the ratio the peak allows. */
export function ceilingRows(results, referenceLabel) {
  const rows = [];
  for (const { testCase, ceilings } of results) {
    for (const [label, c] of ceilings) {
      rows.push({
        case: testCase.name,
        engine: label,
        'GFLOP per forward': (c.flops / 1e9).toFixed(1),
        'GFLOP/s median / fastest': pair(c.gflopsMedian, c.gflopsFastest, 0),
        '% of peak median / fastest': c.shareMedian === undefined ? '-' : `${percent(c.shareMedian)} / ${percent(c.shareFastest)}`,
        'ratio at 100% of peak vs ORT median / fastest': label === referenceLabel ? '-' : pair(c.ratioAtPeakVsMedian, c.ratioAtPeakVsFastest, 2),
      });
    }
  }
  return rows;
}

const TARGETS = [
  { case: 'throughput', engine: 'albert-native', min: 1.5, text: 'fp32 batch 32x128 throughput >= 1.5x ORT' },
  { case: 'latency', engine: 'albert-native', min: 1 / 0.8, text: 'batch 1x128 latency <= 0.8x ORT time (ratio >= 1.25)' },
  { case: 'throughput', engine: 'albert-native bf16', min: 5, text: 'bf16 batch 32x128 >= 5x ORT fp32' },
  { case: 'mixed', engine: 'albert-native', min: 2, text: 'mixed lengths 16..128 >= 2x ORT on the same padded batch' },
];

/** The issue's targets, met or not, for the cases that ran. */
export function targetRows(results, referenceLabel, quick) {
  return TARGETS.map((target) => {
    const result = results.find((r) => r.testCase.name === target.case);
    const ours = result?.timings.get(target.engine);
    const failure = result?.failures?.get(target.engine);
    const empty = { target: target.text, ratio: '-', 'paired ratio': '-', 'ratio at 100% of peak vs ORT median / fastest': '-' };
    if (failure) return { ...empty, status: `NOT met (failed: ${failure})` };
    if (!ours) return { ...empty, status: 'not run' };
    const reference = result.timings.get(referenceLabel);
    const ratio = reference.median / ours.median;
    const met = ratio >= target.min ? 'met' : 'NOT met';
    const c = result.ceilings?.get(target.engine);
    return {
      target: target.text,
      ratio: ratio.toFixed(2),
      'paired ratio': pairedRatio(reference, ours).toFixed(2),
      'ratio at 100% of peak vs ORT median / fastest': c ? pair(c.ratioAtPeakVsMedian, c.ratioAtPeakVsFastest, 2) : '-',
      status: quick ? `${met} (quick shapes, not the target's)` : met,
    };
  });
}

/** fp32 outputs that differ from ORT by more than ACCURACY_LIMIT: engine problems to report. */
export function accuracyProblems(results) {
  const problems = [];
  for (const { testCase, accuracy } of results) {
    const acc = accuracy.get('albert-native');
    if (!acc) continue;
    if (acc.hiddenMaxAbs > ACCURACY_LIMIT) problems.push(`${testCase.name}: last_hidden_state max|Δ| ${acc.hiddenMaxAbs.toExponential(2)} > ${ACCURACY_LIMIT}`);
    if (acc.poolerMaxAbs > ACCURACY_LIMIT) problems.push(`${testCase.name}: pooler_output max|Δ| ${acc.poolerMaxAbs.toExponential(2)} > ${ACCURACY_LIMIT}`);
  }
  return problems;
}

/** One sentence on bf16 accuracy (vs ORT fp32 and vs albert-native fp32), if bf16 ran. */
export function bf16Summary(results, bf16Label) {
  const result = results.find((r) => r.bf16VsFp32);
  if (!result) return undefined;
  const fmt = (a) =>
    `last_hidden_state max|Δ| ${a.hiddenMaxAbs.toExponential(2)}, min cosine per token ${a.hiddenMinCosine.toFixed(6)}, pooler_output max|Δ| ${a.poolerMaxAbs.toExponential(2)}`;
  return `bf16 accuracy on ${result.testCase.name} (${result.testCase.title}): vs ORT fp32: ${fmt(result.accuracy.get(bf16Label))}; vs albert-native fp32: ${fmt(result.bf16VsFp32)}.`;
}

export function memoryRows(memory) {
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
  return memory.rows.map((r) => r.error ? {
    engine: r.engine,
    'load peak RSS MB': `failed: ${r.error}`,
    'load + forward peak RSS MB': '-',
    'above bare node MB (load / forward)': '-',
  } : ({
    engine: r.engine,
    'load peak RSS MB': mb(r.loadBytes),
    'load + forward peak RSS MB': mb(r.forwardBytes),
    'above bare node MB (load / forward)': `${mb(r.loadBytes - memory.baselineBytes)} / ${mb(r.forwardBytes - memory.baselineBytes)}`,
  }));
}

/** A GitHub-flavoured markdown table. */
export function markdownTable(rows) {
  if (!rows.length) return '_none_';
  const cols = Object.keys(rows[0]);
  const line = (cells) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(cols), line(cols.map(() => '---')), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}

/** The whole RESULTS.md section, from its `##` title to its end. */
export function markdownSection({ env, rows, bf16, targets, problems, peaks, ceilings, memory, memoryShape, quick }) {
  const parts = [
    SECTION_TITLE,
    '',
    `Side-by-side run of albert-native (head \`base\`) and onnxruntime-node (\`model.onnx\`, CPU EP, graph optimisation \`all\`, interOpNumThreads 1) on \`albert-base-random\`, ${env.threads} threads each, in one process; timings alternate between the engines round by round (tinybench, samples pooled), with an untimed 250 ms pause before each engine's turn so that none is timed while the previous one's worker threads still spin.${quick ? ' **Quick smoke run: small shapes, not the target cases.**' : ''}`,
    '',
    `- Command: \`${env.command}\``,
    `- Date: ${env.date}`,
    `- CPU: ${env.cpu}, ${env.cores}`,
    `- Node ${env.node}, onnxruntime-node ${env.ort}, albert-native ISA ${env.isa}`,
    `- Load average: ${env.load}`,
    '',
    'These machines are shared and noisy: absolute times move between runs; the ratios from one run (both engines measured interleaved, under the same load) are what matter.',
    'ratio = ORT median / engine median (> 1: faster than ORT); ratio of mins = the same on the fastest samples, less sensitive to other load on the machine; paired ratio = the median, over rounds, of ORT median / engine median within the round (both taken seconds apart, so a drift of the machine speed between rounds cancels out). Targets are judged on ratio. tokens/s counts real (non-padded) tokens. max abs diff and min cos (cosine similarity per token) compare each engine with ORT fp32, over non-padded tokens only.',
    '',
    markdownTable(rows),
    '',
    ...(bf16 ? [bf16, ''] : []),
    '### Targets (issue #4)',
    '',
    markdownTable(targets),
    '',
    `fp32 accuracy vs ORT (limit ${ACCURACY_LIMIT}): ${problems.length ? problems.join('; ') : 'within the limit on every case'}.`,
    '',
    '### What the peak allows',
    '',
    `Measured peaks, ${env.threads} threads, best of short bursts before and after the timings: fp32 FMA ${peaks.fp32.toFixed(1)} GFLOP/s${peaks.bf16 > 0 ? `, AMX TDPBF16PS ${peaks.bf16.toFixed(1)} GFLOP/s (the bf16 engine's peak)` : ''}. GFLOP per forward counts the matrix products (2 per multiply-add; softmax, GELU and LayerNorm add about 1% more): albert-native's over real tokens, onnxruntime-node's over the padded batch. "ratio at 100% of peak" is the ratio to onnxruntime-node's median and fastest sample that the engine would reach if its whole forward ran at the peak: a target above it cannot be met against those samples by any kernel on this machine.`,
    '',
    markdownTable(ceilings),
  ];
  if (memory) {
    parts.push(
      '',
      `### Peak RSS (fresh \`node\` child process each; forward = load + one batch ${memoryShape} forward)`,
      '',
      markdownTable(memoryRows(memory)),
      '',
      `A bare \`node\` process peaks at ${(memory.baselineBytes / 2 ** 20).toFixed(0)} MB.`,
    );
  }
  return `${parts.join('\n')}\n`;
}
