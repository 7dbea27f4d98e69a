// One model for the whole process, or one model per worker thread? Concurrent fill-mask
// requests of mixed lengths against albert-base-random, served three ways with the same cores:
//   - one model in the main thread with `workers` threads (its batcher gathers the requests);
//   - `workers` worker threads, each with a 1-thread model, sharing the packed weights
//     (shareWeights, the default);
//   - the same workers, each with its own copy of the weights (shareWeights: false).
// Reports requests/s and the resident memory once loaded (workers included), over interleaved
// rounds; every pass runs in a fresh child process, so memory is measured from a clean start.
//
//   node bench/workers.mjs [--requests 200] [--workers 2] [--rounds 3] [--record]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { pipeline } from 'albert-native';

import { runJsonChild } from './child.mjs';
import { makeTexts } from './fill-mask-texts.mjs';
import { summarize } from './model/timing.mjs';
import { cpuModel, recordSection } from './results.mjs';

const DIR = join(fileURLToPath(new URL('..', import.meta.url)), '..', 'shared', 'fixtures', 'models', 'albert-base-random');

/** Starts `count` workers and resolves once every one has loaded its model. */
async function startWorkers(count, shareWeights) {
  const workers = Array.from({ length: count }, () => new Worker(new URL(import.meta.url), { workerData: { shareWeights } }));
  await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  })));
  return workers;
}

/** Sends the texts round-robin, all at once; resolves when every answer is back. */
function serveWithWorkers(workers, texts) {
  let left = texts.length;
  return new Promise((resolve) => {
    const done = () => { if (--left === 0) resolve(); };
    for (const w of workers) w.on('message', done);
    texts.forEach((text, id) => workers[id % workers.length].postMessage({ id, text }));
  }).finally(() => { for (const w of workers) w.removeAllListeners('message'); });
}

async function stopWorkers(workers) {
  await Promise.all(workers.map((w) => new Promise((resolve) => { w.once('exit', resolve); w.postMessage('stop'); })));
}

const rssMb = () => process.memoryUsage().rss / 1e6;

/** Loads one way of serving: { serve(texts), close() }. */
async function start(mode, workerCount) {
  if (mode.workers) {
    const workers = await startWorkers(workerCount, mode.shareWeights);
    return { serve: (texts) => serveWithWorkers(workers, texts), close: () => stopWorkers(workers) };
  }
  const fill = await pipeline('fill-mask', DIR, { threads: workerCount });
  return { serve: (texts) => Promise.all(texts.map((t) => fill(t, { topK: 5 }))), close: () => fill.dispose() };
}

/** One timed pass of one way of serving: { seconds, loadedMb } (RSS above the process's start). */
async function pass(mode, texts, workerCount) {
  const base = rssMb();
  const server = await start(mode, workerCount);
  await server.serve(texts.slice(0, workerCount)); // warm-up
  const loadedMb = rssMb() - base;
  const t0 = performance.now();
  await server.serve(texts);
  const seconds = (performance.now() - t0) / 1000;
  await server.close();
  return { seconds, loadedMb };
}

const MODES = (workers) => [
  { label: `one model, ${workers} threads, batching`, workers: false },
  { label: `${workers} workers x 1-thread model, shared weights`, workers: true, shareWeights: true },
  { label: `${workers} workers x 1-thread model, own weights`, workers: true, shareWeights: false },
];

function options() {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '200' },
      workers: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '3' },
      record: { type: 'boolean', default: false },
      pass: { type: 'string' }, // internal: run this mode's pass and print its result as JSON
    },
  });
  return { ...values, requests: Number(values.requests), workers: Number(values.workers), rounds: Number(values.rounds) };
}

/** Runs one pass of mode `m` in a fresh child process. */
function passInChild(m, opts) {
  const args = ['--pass', m, '--requests', opts.requests, '--workers', opts.workers];
  return runJsonChild(fileURLToPath(import.meta.url), args, `pass ${m}`);
}

async function main() {
  const opts = options();
  if (!existsSync(join(DIR, 'model.safetensors'))) {
    console.error(`albert-base-random not found at ${DIR}`);
    process.exit(1);
  }
  const modes = MODES(opts.workers);
  if (opts.pass !== undefined) {
    const result = await pass(modes[Number(opts.pass)], makeTexts(opts.requests), opts.workers);
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const samples = modes.map(() => []);
  for (let r = 0; r < opts.rounds; ++r) {
    modes.forEach((_, m) => samples[m].push(passInChild(m, opts)));
    process.stderr.write(`round ${r + 1}/${opts.rounds} done\n`);
  }
  const reference = summarize(samples[0].map((s) => s.seconds)).median;
  const lines = [
    '## One model or one per worker',
    '',
    `${new Date().toISOString().slice(0, 10)} · ${cpuModel()} · ${opts.workers} threads in all · node ${process.version} · \`node bench/workers.mjs --requests ${opts.requests} --workers ${opts.workers} --rounds ${opts.rounds}\``,
    '',
    `${opts.requests} concurrent fill-mask requests of 4-63 words (albert-base-random, fp32), the modes interleaved over ${opts.rounds} rounds, each pass in a fresh process; medians. Resident memory is the whole process's, workers included, once loaded and warmed up, above the process's own at start.`,
    '',
    '| mode | requests/s | vs one model | RSS once loaded, MB |',
    '| --- | ---: | ---: | ---: |',
  ];
  modes.forEach((mode, m) => {
    const seconds = summarize(samples[m].map((s) => s.seconds)).median;
    const mb = summarize(samples[m].map((s) => s.loadedMb)).median;
    lines.push(`| ${mode.label} | ${(opts.requests / seconds).toFixed(1)} | ${(reference / seconds).toFixed(2)} | ${mb.toFixed(0)} |`);
  });
  lines.push('', 'Each worker has its own V8 isolate, tokenizer and activation buffers; with shared weights the packed weights (45 MB for albert-base in fp32) exist once, and the workers after the first do not read model.safetensors.');
  const section = lines.join('\n');
  console.log(section);
  if (opts.record) console.log(`\nrecorded in ${recordSection(section)}`);
}

// The entry point, last so that everything above is defined: a worker, or the benchmark.
if (!isMainThread) {
  // A worker: one 1-thread model; answers { id, text } with { id } when done.
  const fill = await pipeline('fill-mask', DIR, { threads: 1, shareWeights: workerData.shareWeights });
  parentPort.on('message', async (message) => {
    if (message === 'stop') {
      fill.dispose();
      parentPort.close();
      return;
    }
    await fill(message.text, { topK: 5 });
    parentPort.postMessage({ id: message.id });
  });
  parentPort.postMessage('ready');
} else {
  await main();
}
