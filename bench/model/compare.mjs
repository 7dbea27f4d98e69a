// Accuracy between two engines' outputs, over real (non-padded) tokens only:
// the engine leaves padded rows of last_hidden_state unspecified.

/** Max |a - b| over the hidden rows of real tokens. */
export function maxAbsDiffRows(a, b, inputs, hidden) {
  let max = 0;
  forEachRealRow(inputs, (row) => {
    for (let i = row * hidden, end = i + hidden; i < end; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  });
  return max;
}

/** Max |a - b| over whole arrays (pooler_output has no padded rows). */
export function maxAbsDiff(a, b) {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Smallest cosine similarity between matching real-token rows of a and b. */
export function minCosineRows(a, b, inputs, hidden) {
  let min = 1;
  forEachRealRow(inputs, (row) => {
    min = Math.min(min, cosine(a, b, row * hidden, hidden));
  });
  return min;
}

/** All accuracy figures of `test` against `reference` for one case. */
export function compareOutputs(test, reference, inputs) {
  const hidden = reference.poolerOutput.length / inputs.inputIds.dims[0];
  return {
    hiddenMaxAbs: maxAbsDiffRows(test.lastHiddenState, reference.lastHiddenState, inputs, hidden),
    poolerMaxAbs: maxAbsDiff(test.poolerOutput, reference.poolerOutput),
    hiddenMinCosine: minCosineRows(test.lastHiddenState, reference.lastHiddenState, inputs, hidden),
  };
}

function forEachRealRow(inputs, visit) {
  const mask = inputs.attentionMask.data;
  for (let row = 0; row < mask.length; row++) if (mask[row] !== 0) visit(row);
}

function cosine(a, b, offset, n) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = offset; i < offset + n; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}
