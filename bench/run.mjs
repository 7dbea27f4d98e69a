#!/usr/bin/env node
// `npm run bench`: albert-native vs onnxruntime-node on albert-base-random,
// same inputs, same thread count, timed interleaved in one process.
//
//   npm run bench [-- --quick] [--cases latency,throughput,long,mixed] [--threads N]
//                 [--skip-memory] [--record]
//
// --record replaces the "## Model vs onnxruntime-node" section of bench/RESULTS.md.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { CASE_NAMES, makeInputs, selectCases } from './model/cases.mjs';
import { ceiling, engineFlops, readShape } from './model/ceiling.mjs';
import { compareOutputs } from './model/compare.mjs';
import { createAlbertEngine, createOrtEngine, loadAlbertNative, ortVersion } from './model/engines.mjs';
import { measureMemory } from './model/memory.mjs';
import {
  accuracyProblems,
  bf16Summary,
  environment,
  ceilingRows,
  markdownSection,
  tableRows,
  targetRows,
} from './model/report.mjs';
import { timeInterleaved } from './model/timing.mjs';
import { native } from './addon.mjs';
import { recordSection } from './results.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODEL_DIR = path.join(REPO_ROOT, '..', 'shared', 'fixtures', 'models', 'albert-base-random');
const REFERENCE = 'onnxruntime-node';
const BF16 = 'albert-native bf16';
const INT8 = 'albert-native int8';

const started = performance.now();
const log = (msg) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${msg}\n`);

/** A bad command line: reported as one line, without a stack. */
class UsageError extends Error {}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      cases: { type: 'string' },
      threads: { type: 'string', default: '2' },
      'skip-memory': { type: 'boolean', default: false },
      record: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(`usage: npm run bench -- [--quick] [--cases ${CASE_NAMES.join(',')}] [--threads N] [--skip-memory] [--record]`);
    process.exit(0);
  }
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--threads must be a positive integer, got ${values.threads}`);
  const only = values.cases?.split(',').map((s) => s.trim()).filter(Boolean);
  let cases;
  try {
    cases = selectCases({ quick: values.quick, only });
  } catch (err) {
    throw new UsageError(err.message);
  }
  return { quick: values.quick, cases, threads, memory: !values['skip-memory'], record: values.record };
}

function checkModelDir() {
  const missing = ['config.json', 'model.safetensors', 'model.onnx'].filter((f) => !fs.existsSync(path.join(MODEL_DIR, f)));
  if (missing.length) {
    console.error(`bench: the albert-base-random fixture is missing (${missing.join(', ')} not found in ${MODEL_DIR}).`);
    console.error('It lives in ../shared/fixtures/models/albert-base-random next to the repository.');
    process.exit(1);
  }
}

/** Loads every engine the selected cases need: { fp32, ort, bf16?, int8? }. */
async function loadEngines(options) {
  const { cpuInfo } = await loadAlbertNative();
  const wantBf16 = options.cases.some((c) => c.bf16);
  const engines = {
    fp32: await createAlbertEngine(MODEL_DIR, { threads: options.threads }),
    ort: await createOrtEngine(MODEL_DIR, { threads: options.threads }),
  };
  if (wantBf16 && cpuInfo().bf16) engines.bf16 = await createAlbertEngine(MODEL_DIR, { threads: options.threads, precision: 'bf16' });
  else if (wantBf16) log('bf16 skipped: cpuInfo().bf16 is false on this CPU');
  const wantInt8 = options.cases.some((c) => c.int8);
  if (wantInt8 && cpuInfo().int8) engines.int8 = await createAlbertEngine(MODEL_DIR, { threads: options.threads, precision: 'int8' });
  else if (wantInt8) log('int8 skipped: cpuInfo().int8 is false on this CPU (no AVX512-VNNI)');
  return engines;
}

/**
 * The machine's measured peaks in GFLOP/s on `threads` threads, best of three short bursts:
 * fp32 (the FMA loop of the ISA albert-native uses) and, with AMX, bf16 (TDPBF16PS; 0 without).
 */
function measurePeaks(threads, withAmx) {
  const best = (precision, seconds) =>
    Math.max(...[0, 1, 2].map(() => native._testing.measurePeakGflops(threads, seconds, precision)));
  return { fp32: best('fp32', 0.5), bf16: withAmx ? best('bf16', 0.3) : 0 };
}

/**
 * Each engine's rate against its peak: bf16 against AMX's, int8 against none (no int8 peak is
 * measured), the rest against the FMA peak.
 */
function addCeilings(result, shape, peaks) {
  const reference = result.timings.get(REFERENCE);
  result.ceilings = new Map(
    [...result.timings].map(([label, timing]) => [
      label,
      ceiling({
        flops: engineFlops(shape, result.inputs, label, REFERENCE),
        timing,
        peak: label === BF16 ? peaks.bf16 : label === INT8 ? 0 : peaks.fp32,
        reference: label === REFERENCE ? undefined : reference,
      }),
    ]),
  );
}

/** One case: a correctness pass (also a first warm-up), then interleaved timing. */
async function runCase(testCase, engines) {
  const inputs = makeInputs(testCase);
  const contenders = [
    engines.fp32,
    engines.ort,
    ...(testCase.bf16 && engines.bf16 ? [engines.bf16] : []),
    ...(testCase.int8 && engines.int8 ? [engines.int8] : []),
  ];
  const prepared = new Map(contenders.map((e) => [e.label, e.prepare(inputs)]));

  log(`${testCase.name} (${testCase.title}, ${inputs.tokens} real tokens): correctness pass`);
  const outputs = new Map();
  const failures = new Map();
  for (const engine of contenders) {
    try {
      outputs.set(engine.label, await engine.forward(prepared.get(engine.label)));
    } catch (err) {
      if (engine.label === REFERENCE) throw err;
      failures.set(engine.label, err.message);
      log(`${testCase.name}: ${engine.label} failed, left out of this case: ${err.message}`);
    }
  }
  const running = contenders.filter((e) => outputs.has(e.label));
  const reference = outputs.get(REFERENCE);
  const accuracy = new Map(
    running.filter((e) => e.label !== REFERENCE).map((e) => [e.label, compareOutputs(outputs.get(e.label), reference, inputs)]),
  );
  const bf16VsFp32 = outputs.has(BF16) ? compareOutputs(outputs.get(BF16), outputs.get('albert-native'), inputs) : undefined;
  outputs.clear();

  const tasks = running.map((e) => ({ label: e.label, fn: () => e.forward(prepared.get(e.label)) }));
  const timings = await timeInterleaved(tasks, testCase, (round, rounds) => log(`${testCase.name}: round ${round}/${rounds}`));
  for (const [label, t] of timings) log(`${testCase.name}: ${label} samples (ms, sorted): ${t.samples.map((x) => x.toFixed(0)).join(' ')}`);
  return { testCase, inputs, timings, accuracy, bf16VsFp32, failures };
}

async function main() {
  const loadAtStart = os.loadavg();
  const options = parseOptions();
  checkModelDir();
  log(`model ${MODEL_DIR}, threads ${options.threads}, cases ${options.cases.map((c) => c.name).join(', ')}${options.quick ? ' (quick)' : ''}`);

  const { cpuInfo } = await loadAlbertNative();
  const withAmx = options.cases.some((c) => c.bf16) && cpuInfo().bf16Path === 'amx';
  const peaksBefore = measurePeaks(options.threads, withAmx);
  log(`peak GFLOP/s before: fp32 ${peaksBefore.fp32.toFixed(1)}${withAmx ? `, bf16 (AMX) ${peaksBefore.bf16.toFixed(1)}` : ''}`);
  const engines = await loadEngines(options);
  const results = [];
  for (const testCase of options.cases) results.push(await runCase(testCase, engines));
  const isa = engines.fp32.isa;
  for (const engine of Object.values(engines)) engine.dispose();
  const peaksAfter = measurePeaks(options.threads, withAmx);
  log(`peak GFLOP/s after: fp32 ${peaksAfter.fp32.toFixed(1)}${withAmx ? `, bf16 (AMX) ${peaksAfter.bf16.toFixed(1)}` : ''}`);
  const peaks = { fp32: Math.max(peaksBefore.fp32, peaksAfter.fp32), bf16: Math.max(peaksBefore.bf16, peaksAfter.bf16) };
  const shape = readShape(MODEL_DIR);
  for (const result of results) addCeilings(result, shape, peaks);

  let memory;
  const memoryShape = options.quick ? { batch: 4, seq: 64 } : { batch: 32, seq: 128 };
  if (options.memory) {
    const memEngines = ['albert-native', ...(engines.bf16 ? ['albert-native-bf16'] : []), 'onnxruntime-node'];
    memory = measureMemory({ engines: memEngines, modelDir: MODEL_DIR, threads: options.threads, ...memoryShape, log });
  }

  const env = environment({ ortVersion: ortVersion(), isa, threads: options.threads, argv: process.argv.slice(2), loadAtStart });
  const rows = tableRows(results, REFERENCE);
  const targets = targetRows(results, REFERENCE, options.quick);
  const problems = accuracyProblems(results);
  const bf16 = bf16Summary(results, BF16);
  const section = markdownSection({
    env,
    rows,
    bf16,
    targets,
    problems,
    peaks,
    ceilings: ceilingRows(results, REFERENCE),
    memory,
    memoryShape: `${memoryShape.batch} x ${memoryShape.seq}`,
    quick: options.quick,
  });

  console.log(`\n${section}`);
  if (problems.length) console.error(`engine accuracy problems (fp32 vs ORT > 1e-3):\n  ${problems.join('\n  ')}`);
  if (options.record) {
    log(`recorded in ${recordSection(section)}`);
  }
  log('done');
}

main().catch((err) => {
  const usage = err instanceof UsageError || err.code?.startsWith?.('ERR_PARSE_ARGS');
  console.error(usage ? `bench: ${err.message}` : `bench failed: ${err.stack ?? err}`);
  process.exit(1);
});
