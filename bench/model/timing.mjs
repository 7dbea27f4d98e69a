// Interleaved timing with tinybench.
//
// tinybench runs a bench's tasks one after another, so a single Bench would
// time all of engine A, then all of engine B: on a shared, noisy machine any
// slow phase would then land on one engine only. Instead each case runs in
// rounds of a few iterations per engine, alternating the engine order every
// round, and the retained samples of all rounds are pooled.

import { Bench } from 'tinybench';

/**
 * contenders: [{ label, fn: async () => unknown }]
 * plan: { rounds, iterations (per round), warmup (tinybench warmup iterations, first round only) }
 * Returns Map label -> { samples (ms, sorted), median, min }.
 */
export async function timeInterleaved(contenders, plan, onRound = () => {}) {
  const samples = new Map(contenders.map((c) => [c.label, []]));
  for (let round = 0; round < plan.rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    const bench = createRoundBench(plan, round === 0);
    // `async: true` said outright: otherwise tinybench calls a plain function once at add()
    // to see whether it returns a promise, without waiting for it, and the round's timed
    // calls then overlap those stray forward passes (every engine's, all at once).
    for (const { label, fn } of order) bench.add(label, fn, { async: true });
    await bench.run();
    for (const task of bench.tasks) samples.get(task.name).push(...roundSamples(task));
    onRound(round + 1, plan.rounds);
  }
  return new Map([...samples].map(([label, s]) => [label, summarize(s)]));
}

function createRoundBench(plan, firstRound) {
  const warmup = firstRound && plan.warmup > 0;
  return new Bench({
    iterations: plan.iterations,
    time: 0, // iteration count only: the big cases take seconds per call
    warmup,
    warmupIterations: warmup ? plan.warmup : 0,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  });
}

function roundSamples(task) {
  const { result } = task;
  if (result.state !== 'completed') throw result.error ?? new Error(`task ${task.name}: ${result.state}`);
  return result.latency.samples;
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { samples: sorted, median, min: sorted[0] };
}
