// feature-extraction: pooling over lastHiddenState agrees with a manual computation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertError, pipeline } from 'albert-native';
import { close, disposeAfterAll, loadDirect, modelDir, rejects, THREADS } from './helpers.mjs';

const TEXTS = ['the old woman made me some tea.', 'it was a fine day.', 'why?'];
const embed = await pipeline('feature-extraction', modelDir('tiny-pretraining'), THREADS);
const direct = await loadDirect('tiny-pretraining', 'base');
disposeAfterAll(embed, direct.model);

/** lastHiddenState of each text alone (no padding): an array of [seq][hidden] rows. */
async function hiddenRows(text) {
  const ids = direct.tokenizer.encode(text).inputIds;
  const { lastHiddenState: h } = await direct.model.forward({ inputIds: [ids] });
  const H = h.dims[2];
  return ids.map((_, t) => Array.from(h.data.subarray(t * H, (t + 1) * H)));
}

test("runs the encoder only ('base' head) when the checkpoint has a pooler", () => {
  assert.is(embed.model.head, 'base');
});

test("mean pooling equals a manual mean of lastHiddenState over each text's real tokens", async () => {
  const out = await embed(TEXTS, { pooling: 'mean' });
  const H = 64;
  assert.equal(out.dims, [3, H]);
  for (let b = 0; b < TEXTS.length; ++b) {
    const rows = await hiddenRows(TEXTS[b]);
    for (let k = 0; k < H; ++k) {
      const mean = rows.reduce((s, r) => s + r[k], 0) / rows.length;
      assert.ok(close(out.data[b * H + k], mean, 1e-4), `text ${b} dim ${k}: ${out.data[b * H + k]} vs ${mean}`);
    }
  }
});

test("'cls', 'none' (padding rows zero) and normalize", async () => {
  const H = 64;
  const cls = await embed(TEXTS, { pooling: 'cls' });
  const none = await embed(TEXTS);
  const seq = Math.max(...TEXTS.map((t) => direct.tokenizer.encode(t).inputIds.length));
  assert.equal(none.dims, [3, seq, H]);
  for (let b = 0; b < TEXTS.length; ++b) {
    const rows = await hiddenRows(TEXTS[b]);
    for (let k = 0; k < H; ++k) {
      assert.ok(close(cls.data[b * H + k], rows[0][k], 1e-4));
      assert.ok(close(none.data[(b * seq + rows.length - 1) * H + k], rows[rows.length - 1][k], 1e-4));
    }
    for (let t = rows.length; t < seq; ++t) assert.ok(none.data.subarray((b * seq + t) * H, (b * seq + t + 1) * H).every((x) => x === 0));
  }
  const unit = await embed(TEXTS, { pooling: 'mean', normalize: true });
  for (let b = 0; b < 3; ++b) {
    const norm = Math.hypot(...unit.data.subarray(b * H, (b + 1) * H));
    assert.ok(close(norm, 1, 1e-5));
  }
  const single = await embed('why?', { pooling: 'mean' });
  assert.equal(single.dims, [1, H]);
});

test('batchSize chunks give the same result', async () => {
  const whole = await embed(TEXTS, { pooling: 'mean' });
  const chunked = await embed(TEXTS, { pooling: 'mean', batchSize: 1 });
  whole.data.forEach((x, i) => assert.ok(close(x, chunked.data[i], 1e-5)));
  const noneChunked = await embed(TEXTS, { batchSize: 2 });
  assert.equal(noneChunked.dims, (await embed(TEXTS)).dims);
});

test('any checkpoint works: a token-classification model without a pooler', async () => {
  const p = await pipeline('feature-extraction', modelDir('tiny-tokcls'), THREADS);
  try {
    assert.is(p.model.head, 'token-classification');
    const out = await p(['a b c', 'd'], { pooling: 'mean' });
    assert.equal(out.dims, [2, 64]);
  } finally {
    p.dispose();
  }
});

test('errors', async () => {
  await rejects(embed([1, 2]), TypeError);
  await rejects(embed('x', { pooling: 'max' }), AlbertError, 'ERR_INPUT');
});

test.run();
