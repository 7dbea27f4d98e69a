// The benchmark's statistics: the paired ratio compares the engines round by round, so a slow
// phase of the machine that hits one engine's pooled samples more than the other's cancels out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { pairedRatio, summarize } from '../../bench/model/timing.mjs';

const timings = (roundMedians) => ({ ...summarize(roundMedians), roundMedians });

test('summarize: sorted samples, median (even and odd counts), min', () => {
  assert.equal(summarize([3, 1, 2]), { samples: [1, 2, 3], median: 2, min: 1 });
  assert.is(summarize([4, 1, 3, 2]).median, 2.5);
});

test('pairedRatio: the median of the per-round ratios, immune to a slow phase', () => {
  // The engine is 2x faster in every round; the machine is 3x slower in rounds 2-3.
  const reference = timings([100, 300, 300, 100, 100]);
  const engine = timings([50, 150, 150, 50, 50]);
  assert.is(pairedRatio(reference, engine), 2);
  // Pooled medians mislead when the slow phase falls on one engine's samples: 100 / 150.
  const unlucky = timings([50, 150, 150, 150, 50]);
  assert.ok(Math.abs(reference.median / unlucky.median - 2 / 3) < 1e-12);
  assert.is(pairedRatio(reference, unlucky), 2);
});

test.run();
