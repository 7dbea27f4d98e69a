// What the hardware allows: each engine's arithmetic rate against the machine's measured peak,
// and the highest ratio to onnxruntime-node an engine could reach running at that peak.
//
// Both engines do the same matrix products for a sequence (same graph, same weights), so a
// forward's time is bounded below by its multiply-add count over the peak. When onnxruntime-node
// already runs close to the peak, no kernel can beat it by more than peak / its rate.

import fs from 'node:fs';
import path from 'node:path';

/** The config fields the multiply-add count depends on. */
export function readShape(modelDir) {
  const config = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
  return {
    hidden: config.hidden_size,
    embedding: config.embedding_size,
    intermediate: config.intermediate_size,
    layers: config.num_hidden_layers,
  };
}

/**
 * Floating-point operations (2 per multiply-add) of one forward over sequences of the given
 * lengths: the embedding mapping, per layer the Q/K/V, attention-output and two FFN
 * projections plus attention's Q·Kᵀ and P·V (s² · H multiply-adds each over all heads), and
 * the pooler on [CLS]. Softmax, GELU and LayerNorm add about 1% and are left out, so the
 * bound this gives is, if anything, slightly too generous.
 */
export function forwardFlops(shape, lengths) {
  const { hidden: h, embedding: e, intermediate: i, layers } = shape;
  let multiplyAdds = 0;
  for (const s of lengths) {
    const projections = s * h * (3 * h + h + 2 * i);
    const attention = 2 * s * s * h;
    multiplyAdds += s * e * h + layers * (projections + attention) + h * h;
  }
  return 2 * multiplyAdds;
}

/**
 * The work each engine does on a case: albert-native runs real tokens only (padding-free
 * batches), onnxruntime-node the whole padded batch.
 */
export function engineFlops(shape, inputs, label, referenceLabel) {
  const [batch, seq] = inputs.inputIds.dims;
  return label === referenceLabel ? forwardFlops(shape, new Array(batch).fill(seq)) : forwardFlops(shape, inputs.lengths);
}

/**
 * Per engine on one case: GFLOP/s at the median and the fastest sample, their share of the
 * engine's peak, and (for the non-reference engines) the ratio to the reference's median and
 * fastest sample that this engine would reach at 100% of its peak.
 */
export function ceiling({ flops, timing, peak, reference }) {
  const gflops = (ms) => flops / ms / 1e6;
  const atPeakMs = peak > 0 ? flops / peak / 1e6 : undefined;
  return {
    flops,
    gflopsMedian: gflops(timing.median),
    gflopsFastest: gflops(timing.min),
    shareMedian: peak > 0 ? gflops(timing.median) / peak : undefined,
    shareFastest: peak > 0 ? gflops(timing.min) / peak : undefined,
    ratioAtPeakVsMedian: reference && atPeakMs ? reference.median / atPeakMs : undefined,
    ratioAtPeakVsFastest: reference && atPeakMs ? reference.min / atPeakMs : undefined,
  };
}
