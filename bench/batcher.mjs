// 1,000 concurrent fill-mask requests of mixed lengths against albert-base-random: throughput
// with the model's batcher vs one request at a time, per-request latency (p50 / p99), and the
// event loop's delay while they run (perf_hooks.monitorEventLoopDelay).
//
//   node bench/batcher.mjs [--requests 1000] [--threads 2] [--quick]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'albert-native';

import { makeTexts } from './fill-mask-texts.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, '..', 'shared', 'fixtures', 'models', 'albert-base-random');
if (!existsSync(join(dir, 'model.safetensors'))) {
  console.error(`albert-base-random not found at ${dir}`);
  process.exit(1);
}
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const quick = process.argv.includes('--quick');
const requests = arg('requests', quick ? 100 : 1000);
const threads = arg('threads', 2);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(label, batching, texts) {
  const fill = await pipeline('fill-mask', dir, { threads, batching });
  await fill(texts[0]); // warm-up
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const latencies = [];
  const started = performance.now();
  await Promise.all(texts.map(async (text) => {
    const t0 = performance.now();
    await fill(text, { topK: 5 });
    latencies.push(performance.now() - t0);
  }));
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  const stats = fill.model.stats();
  fill.dispose();
  latencies.sort((a, b) => a - b);
  return {
    label,
    seconds,
    perSecond: texts.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    loopP99: delay.percentile(99) / 1e6,
    loopMax: delay.max / 1e6,
    batches: stats.batches,
    tokens: stats.tokens,
  };
}

const texts = makeTexts(requests);
const rows = [];
rows.push(await run('batcher (maxBatchSize 32)', { maxBatchSize: 32 }, texts));
rows.push(await run('one at a time (maxBatchSize 1)', { maxBatchSize: 1 }, texts));

console.log(`${requests} concurrent fill-mask requests, albert-base-random, ${threads} threads`);
console.log('| mode | total s | requests/s | p50 ms | p99 ms | batches | event-loop delay p99 / max ms |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.label} | ${r.seconds.toFixed(1)} | ${r.perSecond.toFixed(1)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.batches} | ${r.loopP99.toFixed(1)} / ${r.loopMax.toFixed(1)} |`);
}
console.log(`throughput ratio (batcher / one at a time): ${(rows[0].perSecond / rows[1].perSecond).toFixed(2)}x; ${rows[0].tokens} real tokens`);
