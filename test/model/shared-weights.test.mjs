// Models loaded from the same unchanged file with the same config, head and packing options
// share one copy of the packed weights (option shareWeights, on by default), across threads
// and workers; anything that changes the packed result gets its own copy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { AlbertModel, cpuInfo } from 'albert-native';
import { rejectsWithCode } from '../helpers/assert.mjs';
import { modelDir } from '../helpers/golden.mjs';
import { startWorker } from '../helpers/worker.mjs';

const require = createRequire(import.meta.url);
const DIR = modelDir('tiny-pretraining');
const IDS = [[2, 31, 415, 9, 77, 250, 640, 12, 3]];

const load = (options = {}, dir = DIR) => AlbertModel.fromPretrained(dir, { threads: 1, ...options });
const logits = async (model) => Array.from((await model.forward({ inputIds: IDS })).predictionLogits.data);

test('a second load shares the first one\'s weights and gives the same results', async () => {
  const first = await load();
  const second = await load({ threads: 2 }); // threads are each model's own
  assert.is(first.weightsShared, false);
  assert.is(second.weightsShared, true);
  assert.is(second.weightBytes, first.weightBytes);
  assert.equal(await logits(second), await logits(first));
  // Disposing the first leaves the weights to the second, which still runs, and lends them on.
  const expected = await logits(first);
  first.dispose();
  assert.equal(await logits(second), expected);
  const third = await load();
  assert.is(third.weightsShared, true);
  second.dispose();
  third.dispose();
  // With no model left, the weights are gone: the next load converts and packs anew.
  const fresh = await load();
  assert.is(fresh.weightsShared, false);
  assert.equal(await logits(fresh), expected);
  fresh.dispose();
});

test('loads started together share too: the second waits for the first one\'s weights', async () => {
  const models = await Promise.all([load(), load(), load({ threads: 2 })]);
  assert.equal(models.map((m) => m.weightsShared).sort(), [false, true, true]);
  const expected = await logits(models[0]);
  for (const m of models) assert.equal(await logits(m), expected);
  for (const m of models) m.dispose();
});

test('a shared load does not read the weights file again', async () => {
  const fsPromises = require('node:fs/promises'); // the module the library reads files with
  const readFile = fsPromises.readFile;
  const read = [];
  fsPromises.readFile = (path, ...rest) => { read.push(String(path)); return readFile(path, ...rest); };
  try {
    const first = await load();
    assert.ok(read.some((p) => p.endsWith('model.safetensors')), 'the first load reads the file');
    read.length = 0;
    const second = await load();
    assert.is(second.weightsShared, true);
    assert.equal(read.filter((p) => p.endsWith('model.safetensors')), []);
    first.dispose();
    second.dispose();
  } finally {
    fsPromises.readFile = readFile;
  }
});

test('shareWeights: false loads a private copy', async () => {
  const shared = await load();
  const own = await load({ shareWeights: false });
  assert.is(own.weightsShared, false);
  assert.equal(await logits(own), await logits(shared));
  shared.dispose();
  own.dispose();
});

test('another head, ISA or precision gets its own weights', async () => {
  const base = await load();
  const head = await load({ head: 'masked-lm' });
  assert.is(head.weightsShared, false);
  const scalar = await load({ isa: 'scalar' });
  assert.is(scalar.weightsShared, base.isa === 'scalar');
  const models = [base, head, scalar];
  if (cpuInfo().bf16) {
    const bf16 = await load({ precision: 'bf16' });
    assert.is(bf16.weightsShared, false);
    const nearest = await load({ precision: 'bf16', bf16Rounding: 'nearest' });
    assert.is(nearest.weightsShared, false);
    assert.is.not(nearest.weightBytes, bf16.weightBytes);
    models.push(bf16, nearest);
  }
  for (const m of models) m.dispose();
});

test('a rewritten weights file is not mistaken for the old one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'albert-share-'));
  try {
    cpSync(DIR, dir, { recursive: true });
    const before = await load({}, dir);
    assert.is(before.weightsShared, false);
    rmSync(join(dir, 'model.safetensors'));
    cpSync(join(DIR, 'model.safetensors'), join(dir, 'model.safetensors')); // a new file in its place
    const after = await load({}, dir);
    assert.is(after.weightsShared, false);
    before.dispose();
    after.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker thread shares the weights the main thread loaded', async () => {
  const main = await load();
  const inputIds = { data: Int32Array.from(IDS.flat()), dims: [1, IDS[0].length] };
  const result = await startWorker(new URL('./shared-weights-worker.mjs', import.meta.url), { dir: DIR, inputIds }).firstMessage;
  assert.is(result.weightsShared, true);
  assert.equal(Array.from(result.logits), await logits(main));
  main.dispose();
});

test('shareWeights must be a boolean', async () => {
  await rejectsWithCode(load({ shareWeights: 'yes' }), 'ERR_CONFIG', /shareWeights/);
});

test.run();
