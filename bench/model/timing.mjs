// Interleaved timing with tinybench.
//
// tinybench runs a bench's tasks one after another, so a single Bench would
// time all of engine A, then all of engine B: on a shared, noisy machine any
// slow phase would then land on one engine only. Instead each case runs in
// rounds of a few iterations per engine, alternating the engine order every
// round, and the retained samples of all rounds are pooled.

import { Bench } from 'tinybench';

// Untimed pause before each engine's turn. onnxruntime-node's intra-op worker keeps spinning
// for up to ~100 ms after a run returns (its default allow_spinning), and on a 2-core machine
// that takes a core from whichever engine runs next: a 32-token albert-native forward right
// after an onnxruntime-node run took 56 ms (median), 33 ms after a 100 ms pause, while
// onnxruntime-node's own runs were the same either way. With the pause every engine is
// timed as it runs alone, without the previous engine's leftover threads.
const SETTLE_MS = 250;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/**
 * contenders: [{ label, fn: async () => unknown }]
 * plan: { rounds, iterations (per round), warmup (tinybench warmup iterations, first round only) }
 * Returns Map label -> { samples (ms, sorted), median, min, roundMedians (ms, one per round, in
 * round order) }.
 */
export async function timeInterleaved(contenders, plan, onRound = () => {}) {
  const samples = new Map(contenders.map((c) => [c.label, []]));
  const roundMedians = new Map(contenders.map((c) => [c.label, []]));
  for (let round = 0; round < plan.rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    const bench = createRoundBench(plan, round === 0);
    // `async: true` said outright: otherwise tinybench calls a plain function once at add()
    // to see whether it returns a promise, without waiting for it, and the round's timed
    // calls then overlap those stray forward passes (every engine's, all at once).
    for (const { label, fn } of order) bench.add(label, fn, { async: true, beforeAll: settle });
    await bench.run();
    for (const task of bench.tasks) {
      const taken = roundSamples(task);
      samples.get(task.name).push(...taken);
      roundMedians.get(task.name).push(summarize(taken).median);
    }
    onRound(round + 1, plan.rounds);
  }
  return new Map([...samples].map(([label, s]) => [label, { ...summarize(s), roundMedians: roundMedians.get(label) }]));
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

/**
 * The median over rounds of reference / engine, each round's two medians taken seconds apart:
 * a drift in the machine's speed between rounds cancels out, where the ratio of the pooled
 * medians can carry it when slow minutes fall unevenly on the two engines.
 */
export function pairedRatio(reference, engine) {
  return summarize(reference.roundMedians.map((r, i) => r / engine.roundMedians[i])).median;
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { samples: sorted, median, min: sorted[0] };
}
