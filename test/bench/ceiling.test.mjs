// The benchmark's arithmetic bound: the multiply-add count of a forward and the ratio to
// onnxruntime-node an engine could reach at the machine's peak.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ceiling, engineFlops, forwardFlops } from '../../bench/model/ceiling.mjs';

const close = (actual, expected, what) => assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);

test('forwardFlops: every matrix product of a tiny model, counted by hand', () => {
  const shape = { hidden: 4, embedding: 2, intermediate: 8, layers: 3 };
  // One sequence of 3 tokens. Embedding mapping 3x2 @ 2x4; per layer Q, K, V and output
  // 3x4 @ 4x4 each, FFN 3x4 @ 4x8 and 3x8 @ 8x4, scores 3x4 @ 4x3 and context 3x3 @ 3x4
  // (summed over heads the head size adds up to 4); pooler 1x4 @ 4x4.
  const perLayer = 4 * (3 * 4 * 4) + 3 * 4 * 8 + 3 * 8 * 4 + 3 * 4 * 3 + 3 * 3 * 4;
  const multiplyAdds = 3 * 2 * 4 + 3 * perLayer + 4 * 4;
  assert.is(forwardFlops(shape, [3]), 2 * multiplyAdds);
  // Sequences add up; one sequence of 6 costs two of 3 plus the quadratic part of attention
  // (2 products x 4 x (36 - 2 x 9) per layer), minus the second pooler.
  assert.is(forwardFlops(shape, [3, 3]), 2 * forwardFlops(shape, [3]));
  assert.is(forwardFlops(shape, [6]) - 2 * forwardFlops(shape, [3]), 2 * (3 * 2 * 4 * (36 - 18) - 4 * 4));
});

test('forwardFlops: albert-base on one 128-token sequence is about 22.4 GFLOP', () => {
  const base = { hidden: 768, embedding: 128, intermediate: 3072, layers: 12 };
  const gflop = forwardFlops(base, [128]) / 1e9;
  assert.ok(gflop > 22.3 && gflop < 22.45, `${gflop}`);
});

test('engineFlops: the reference engine pays for padding, albert-native does not', () => {
  const shape = { hidden: 4, embedding: 2, intermediate: 8, layers: 1 };
  const inputs = { inputIds: { dims: [2, 5] }, lengths: [2, 5] };
  assert.is(engineFlops(shape, inputs, 'onnxruntime-node', 'onnxruntime-node'), forwardFlops(shape, [5, 5]));
  assert.is(engineFlops(shape, inputs, 'albert-native', 'onnxruntime-node'), forwardFlops(shape, [2, 5]));
});

test('ceiling: rates, shares of the peak and the ratio the peak allows', () => {
  // 1 GFLOP at a 200 GFLOP/s peak takes at least 5 ms.
  const c = ceiling({ flops: 1e9, timing: { median: 10, min: 5 }, peak: 200, reference: { median: 20, min: 10 } });
  close(c.gflopsMedian, 100, 'median rate');
  close(c.gflopsFastest, 200, 'fastest rate');
  close(c.shareMedian, 0.5, 'median share');
  close(c.shareFastest, 1, 'fastest share');
  close(c.ratioAtPeakVsMedian, 4, 'ratio vs the reference median');
  close(c.ratioAtPeakVsFastest, 2, 'ratio vs the reference fastest sample');
  // No peak (a path without a measured one) and no reference leave those fields out.
  const bare = ceiling({ flops: 1e9, timing: { median: 10, min: 5 }, peak: 0 });
  assert.is(bare.shareMedian, undefined);
  assert.is(bare.ratioAtPeakVsFastest, undefined);
});

test.run();
