// Loading, running and disposing many times does not grow the process: native memory is
// freed by dispose(), and failed loads leave nothing behind. A model reuses its activation
// buffers between forwards, so results must not depend on what ran before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertModel } from 'albert-native';
import { writeModelDir } from '../helpers/checkpoint.mjs';
import { modelDir } from '../helpers/golden.mjs';

const TINY = modelDir('tiny-groups-seqcls');

async function cycle(times) {
  for (let i = 0; i < times; ++i) {
    const model = await AlbertModel.fromPretrained(TINY, { threads: 2 });
    await model.forward({ inputIds: { data: new Int32Array(8 * 64).fill(7), dims: [8, 64] } });
    model.dispose();
    const broken = writeModelDir({ vocab_size: 1000 }, null); // no weights: the load fails
    await AlbertModel.fromPretrained(broken.dir).catch(() => {});
    broken.cleanup();
  }
}

test('repeated load / forward / dispose keeps resident memory flat', async () => {
  await cycle(10); // warm up allocator pools and code pages
  global.gc?.();
  const before = process.memoryUsage().rss;
  await cycle(60);
  global.gc?.();
  const grown = (process.memoryUsage().rss - before) / 1e6;
  // 60 cycles of a ~1 MB model plus activations: a leak would add tens of MB.
  assert.ok(grown < 24, `RSS grew by ${grown.toFixed(1)} MB over 60 cycles`);
});

test('a forward after larger and smaller ones matches the same forward on a fresh model', async () => {
  const batch = (b, s, seed) => ({ inputIds: { data: Int32Array.from({ length: b * s }, (_, i) => 5 + ((i * 31 + seed) % 90)), dims: [b, s] } });
  const fresh = await AlbertModel.fromPretrained(TINY, { threads: 2, head: 'base' });
  const want = (await fresh.forward(batch(3, 20, 1))).lastHiddenState.data;
  fresh.dispose();
  const used = await AlbertModel.fromPretrained(TINY, { threads: 2, head: 'base' });
  try {
    await used.forward(batch(8, 64, 2));
    await Promise.all([used.forward(batch(1, 5, 3)), used.forward(batch(6, 33, 4)), used.forward(batch(2, 2, 5))]);
    const got = (await used.forward(batch(3, 20, 1))).lastHiddenState.data;
    assert.equal(Array.from(got), Array.from(want));
  } finally {
    used.dispose();
  }
});

test('releaseBuffers frees the activations of a large batch and the model keeps working', async () => {
  const model = await AlbertModel.fromPretrained(TINY, { threads: 2, head: 'base' });
  const run = (batch) => model.forward({ inputIds: { data: new Int32Array(batch * 64).fill(7), dims: [batch, 64] } });
  const small = Array.from((await run(2)).lastHiddenState.data);
  await run(1000); // ~140 MB of activations (64,000 tokens), kept for the next forward
  global.gc?.();
  const before = process.memoryUsage().rss;
  model.releaseBuffers();
  const freed = (before - process.memoryUsage().rss) / 1e6;
  assert.ok(freed > 60, `releaseBuffers freed ${freed.toFixed(0)} MB`);
  assert.equal(Array.from((await run(2)).lastHiddenState.data), small);
  model.dispose();
  model.releaseBuffers(); // after dispose: nothing to free, no error
});

test.run();
