// The request batcher: concurrent calls are merged, answers are unchanged, and the queue's
// limits, AbortSignal and dispose behave as documented.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertModel } from 'albert-native';
import { assertClose, rejectsWithCode } from '../helpers/assert.mjs';
import { modelDir } from '../helpers/golden.mjs';

const TINY = modelDir('tiny-pretraining');

function request(batch, seq, seed, padTo = seq) {
  const data = new Int32Array(batch * padTo);
  const mask = new Int32Array(batch * padTo);
  let s = seed;
  for (let b = 0; b < batch; ++b) {
    for (let i = 0; i < seq; ++i) {
      s = (s * 1103515245 + 12345) >>> 0;
      data[b * padTo + i] = 5 + (s % 995);
      mask[b * padTo + i] = 1;
    }
  }
  return { inputIds: { data, dims: [batch, padTo] }, attentionMask: { data: mask, dims: [batch, padTo] } };
}

function assertCloseTensor(got, want, label) {
  assert.equal(got.dims, want.dims, `${label} dims`);
  assertClose(got.data, want.data, label, { abs: 1e-5, rel: 1e-5 });
}

test('merged batches give each caller the same answer as running alone', async () => {
  const batched = await AlbertModel.fromPretrained(TINY, { threads: 2, batching: { maxBatchSize: 16 } });
  const alone = await AlbertModel.fromPretrained(TINY, { threads: 2, batching: { maxBatchSize: 1 } });
  try {
    const inputs = Array.from({ length: 24 }, (_, i) => request(1 + (i % 3), 3 + ((i * 7) % 40), i + 1, 3 + ((i * 7) % 40) + (i % 2) * 5));
    const got = await Promise.all(inputs.map((x) => batched.forward(x)));
    const stats = batched.stats();
    assert.is(stats.requests, 24);
    assert.ok(stats.batches < 24, `expected merging, got ${stats.batches} batches for 24 requests`);
    assert.is(stats.queued, 0);
    for (let i = 0; i < inputs.length; ++i) {
      const want = await alone.forward(inputs[i]);
      const mask = inputs[i].attentionMask.data;
      const [B, S] = inputs[i].inputIds.dims;
      // Compare only real positions (padded rows are unspecified).
      for (const name of ['lastHiddenState', 'predictionLogits']) {
        const width = want[name].dims[2];
        const pick = (t) => ({ dims: [B * S], data: Float32Array.from({ length: B * S * width }, (_, j) => (mask[Math.floor(j / width)] ? t.data[j] : 0)) });
        assertCloseTensor(pick(got[i][name]), pick(want[name]), `request ${i} ${name}`);
      }
      assertCloseTensor(got[i].sopLogits, want.sopLogits, `request ${i} sopLogits`);
      assertCloseTensor(got[i].poolerOutput, want.poolerOutput, `request ${i} poolerOutput`);
    }
  } finally {
    batched.dispose();
    alone.dispose();
  }
});

test('multiple-choice requests of different shapes batch together', async () => {
  const model = await AlbertModel.fromPretrained(modelDir('tiny-mc'), { threads: 1 });
  try {
    const mk = (b, c, s, seed) => {
      const r = request(b * c, s, seed);
      return { inputIds: { data: r.inputIds.data, dims: [b, c, s] } };
    };
    const inputs = [mk(1, 2, 21, 1), mk(1, 4, 31, 2), mk(2, 3, 9, 3)];
    const together = await Promise.all(inputs.map((x) => model.forward(x)));
    for (let i = 0; i < inputs.length; ++i) {
      const solo = await model.forward(inputs[i]);
      assertCloseTensor(together[i].logits, solo.logits, `mc request ${i}`);
      assert.equal(together[i].logits.dims, inputs[i].inputIds.dims.slice(0, 2));
    }
  } finally {
    model.dispose();
  }
});

test('AbortSignal cancels a queued call without disturbing the others', async () => {
  const model = await AlbertModel.fromPretrained(TINY, { threads: 1, batching: { maxBatchSize: 1 } });
  try {
    const controller = new AbortController();
    const first = model.forward(request(8, 64, 1));
    const cancelled = model.forward(request(1, 8, 2), { signal: controller.signal });
    const third = model.forward(request(1, 8, 3));
    controller.abort();
    await rejectsWithCode(cancelled, 'ERR_ABORTED');
    assert.equal((await first).lastHiddenState.dims, [8, 64, 64]);
    assert.equal((await third).lastHiddenState.dims, [1, 8, 64]);
    await rejectsWithCode(model.forward(request(1, 8, 4), { signal: AbortSignal.abort() }), 'ERR_ABORTED');
  } finally {
    model.dispose();
  }
});

test('a full queue rejects with ERR_QUEUE_FULL, or waits when asked to', async () => {
  const strict = await AlbertModel.fromPretrained(TINY, { threads: 1, batching: { maxBatchSize: 1, maxQueue: 2 } });
  const patient = await AlbertModel.fromPretrained(TINY, { threads: 1, batching: { maxBatchSize: 1, maxQueue: 2, whenFull: 'wait' } });
  try {
    const calls = Array.from({ length: 4 }, (_, i) => strict.forward(request(4, 32, i + 1)));
    await rejectsWithCode(calls[3], 'ERR_QUEUE_FULL');
    await Promise.all(calls.slice(0, 3));
    const waited = await Promise.all(Array.from({ length: 6 }, (_, i) => patient.forward(request(2, 16, i + 1))));
    assert.is(waited.length, 6);
    assert.is(patient.stats().requests, 6);
  } finally {
    strict.dispose();
    patient.dispose();
  }
});

test('maxWaitMs holds a lone request until others arrive, then runs them as one batch', async () => {
  const model = await AlbertModel.fromPretrained(TINY, { threads: 1, batching: { maxBatchSize: 8, maxWaitMs: 30 } });
  try {
    const a = model.forward(request(1, 10, 1));
    await new Promise((r) => setTimeout(r, 5));
    const b = model.forward(request(1, 12, 2));
    await Promise.all([a, b]);
    assert.is(model.stats().batches, 1);
  } finally {
    model.dispose();
  }
});

test('dispose rejects queued calls with ERR_DISPOSED', async () => {
  const model = await AlbertModel.fromPretrained(TINY, { threads: 1, batching: { maxBatchSize: 1 } });
  const running = model.forward(request(8, 64, 1));
  const queued = model.forward(request(1, 8, 2));
  model.dispose();
  await rejectsWithCode(queued, 'ERR_DISPOSED');
  assert.equal((await running).lastHiddenState.dims, [8, 64, 64]);
});

test('bad batching options are refused before loading', async () => {
  try {
    await AlbertModel.fromPretrained(TINY, { batching: { maxBatchSize: 0 } });
    assert.unreachable('should throw');
  } catch (e) {
    assert.is(e.code, 'ERR_CONFIG');
    assert.match(e.message, /maxBatchSize/);
  }
});

test.run();
