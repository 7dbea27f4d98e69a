// Small numeric helpers shared by the pipelines (float64 accumulation, stable softmax).

/** Numerically stable softmax of `values[from, from + length)`, as a new Float64Array. */
export function softmax(values: ArrayLike<number>, from = 0, length = values.length - from): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < length; ++i) max = Math.max(max, values[from + i]);
  const out = new Float64Array(length);
  let sum = 0;
  for (let i = 0; i < length; ++i) {
    out[i] = Math.exp(values[from + i] - max);
    sum += out[i];
  }
  for (let i = 0; i < length; ++i) out[i] /= sum;
  return out;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; ++i) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Indices of the `k` largest values, largest first; ties keep the lower index first, so
 * results are deterministic. One pass with a small sorted buffer (k is small, the vocabulary
 * is not): sorting 30,000 logits per mask would stall the event loop.
 */
export function topIndices(values: ArrayLike<number>, k: number, candidates?: readonly number[]): number[] {
  const count = candidates ? candidates.length : values.length;
  const top: number[] = [];
  if (k <= 0) return top;
  const before = (a: number, b: number) => values[a] > values[b] || (values[a] === values[b] && a < b);
  for (let i = 0; i < count; ++i) {
    const index = candidates ? candidates[i] : i;
    if (top.length === k && !before(index, top[k - 1])) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && before(index, top[at - 1])) {
      top[at] = top[at - 1];
      at -= 1;
    }
    top[at] = index;
  }
  return top;
}
