// forward() runs off the JS thread, and concurrent forwards give the right answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertModel } from 'albert-native';
import { BASE_MODEL_DIR, hasBaseModel, modelDir } from '../helpers/golden.mjs';

const TINY = modelDir('tiny-pretraining');

function randomIds(batch, seq, vocab, seed) {
  let s = seed;
  const data = new Int32Array(batch * seq);
  for (let i = 0; i < data.length; ++i) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = 5 + (s % (vocab - 5));
  }
  return { data, dims: [batch, seq] };
}

test('the event loop keeps running during a long forward', async () => {
  const dir = hasBaseModel ? BASE_MODEL_DIR : TINY;
  const model = await AlbertModel.fromPretrained(dir, { threads: 2, head: 'base' });
  try {
    const seq = Math.min(256, model.config.maxPositionEmbeddings);
    // Sized for a forward of well over 50 ms either way (the tiny model needs a big batch).
    const inputs = { inputIds: randomIds(hasBaseModel ? 4 : 1024, seq, model.config.vocabSize, 1) };
    let ticks = 0;
    const timer = setInterval(() => { ticks += 1; }, 5);
    const started = performance.now();
    await model.forward(inputs);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    assert.ok(elapsed > 50, `forward took ${elapsed} ms: too short to show anything`);
    // A blocked loop would give 0 or 1 ticks; allow for timer jitter on a busy machine.
    assert.ok(ticks >= Math.floor(elapsed / 5 / 4), `only ${ticks} timer ticks in ${elapsed.toFixed(0)} ms`);
  } finally {
    model.dispose();
  }
});

test('many forwards in flight on one model and on two models match sequential runs', async () => {
  const a = await AlbertModel.fromPretrained(TINY, { threads: 2 });
  const b = await AlbertModel.fromPretrained(modelDir('tiny-groups-seqcls'), { threads: 1 });
  try {
    const inputs = Array.from({ length: 12 }, (_, i) => ({ inputIds: randomIds(1 + (i % 3), 8 + i, 1000, i + 1) }));
    const sequentialA = [];
    const sequentialB = [];
    for (const x of inputs) sequentialA.push(await a.forward(x));
    for (const x of inputs) sequentialB.push(await b.forward(x));
    const concurrent = await Promise.all(inputs.flatMap((x) => [a.forward(x), b.forward(x)]));
    inputs.forEach((_, i) => {
      assert.equal(Array.from(concurrent[2 * i].predictionLogits.data), Array.from(sequentialA[i].predictionLogits.data), `model a request ${i}`);
      assert.equal(Array.from(concurrent[2 * i + 1].logits.data), Array.from(sequentialB[i].logits.data), `model b request ${i}`);
    });
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('dispose while a forward is in flight lets it finish', async () => {
  const model = await AlbertModel.fromPretrained(TINY, { threads: 1 });
  const pending = model.forward({ inputIds: randomIds(16, 64, 1000, 3) });
  model.dispose();
  const out = await pending;
  assert.equal(out.lastHiddenState.dims, [16, 64, 64]);
});

test.run();
