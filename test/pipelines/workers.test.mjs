// The addon is context-aware: three worker_threads and the main thread each load the model
// and run at the same time, with identical results; a worker terminated mid-forward does not
// take the process down.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertModel, pipeline } from 'albert-native';
import { startWorker } from '../helpers/worker.mjs';
import { modelDir } from './helpers.mjs';

const DIR = modelDir('tiny-pretraining');
const TEXT = 'the old woman made me some [MASK].';

function inputs() {
  const data = new Int32Array(2 * 24);
  for (let i = 0; i < data.length; ++i) data[i] = 5 + ((i * 7919) % 990);
  return { data, dims: [2, 24] };
}

function runWorker() {
  return startWorker(new URL('./forward-worker.mjs', import.meta.url), { dir: DIR, inputIds: inputs(), text: TEXT }).firstMessage;
}

test('3 workers and the main thread at once give identical outputs', async () => {
  const main = (async () => {
    const model = await AlbertModel.fromPretrained(DIR, { threads: 2 });
    const out = await model.forward({ inputIds: inputs() });
    model.dispose();
    const fill = await pipeline('fill-mask', DIR, { threads: 2 });
    const filled = await fill(TEXT, { topK: 3 });
    fill.dispose();
    return { predictionLogits: out.predictionLogits.data, sopLogits: out.sopLogits.data, filled };
  })();
  const results = await Promise.all([main, runWorker(), runWorker(), runWorker()]);
  const [ref, ...others] = results;
  for (const r of others) {
    assert.equal(Array.from(r.predictionLogits), Array.from(ref.predictionLogits));
    assert.equal(Array.from(r.sopLogits), Array.from(ref.sopLogits));
    assert.equal(r.filled, ref.filled);
  }
});

test('terminating a worker in the middle of its forwards leaves the process running', async () => {
  // A forward finishing after its worker's environment is gone has no promise to settle; that
  // must not abort the process (it did, with an uncaught Napi::Error, before the fix).
  for (let i = 0; i < 16; ++i) {
    const { worker, firstMessage } = startWorker(new URL('./terminated-worker.mjs', import.meta.url), { dir: DIR });
    await firstMessage; // its model is loaded and running
    await new Promise((resolve) => setTimeout(resolve, 1 + (i % 8) * 3));
    await worker.terminate();
  }
  const model = await AlbertModel.fromPretrained(DIR, { threads: 2 });
  const out = await model.forward({ inputIds: inputs() });
  assert.equal(out.predictionLogits.dims, [2, 24, 1000]);
  model.dispose();
});

test.run();
