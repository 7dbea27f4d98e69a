// Sharded checkpoints: model.safetensors.index.json or pytorch_model.bin.index.json and the
// shard files it lists load as the single file would; indexes that point outside the folder,
// at missing shards or at tensors their shard lacks are refused, naming the index.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AlbertModel } from 'albert-native';
import { encodeSafetensors, readSafetensors } from '../helpers/checkpoint.mjs';
import { rejectsWithCode } from '../helpers/assert.mjs';
import { withFolder } from '../helpers/folder.mjs';
import { FIXTURES, modelDir } from '../helpers/golden.mjs';

const TINY = modelDir('tiny-pretraining');
const TENSORS = [...readSafetensors(join(TINY, 'model.safetensors'))];
const HALF = Math.ceil(TENSORS.length / 2);
const SHARDS = { 'model-00001-of-00002.safetensors': TENSORS.slice(0, HALF), 'model-00002-of-00002.safetensors': TENSORS.slice(HALF) };
const INPUTS = { inputIds: [[2, 45, 311, 7, 999, 3], [2, 17, 3, 0, 0, 0]], attentionMask: [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]] };

function indexOf(shards) {
  const weightMap = {};
  for (const [file, tensors] of Object.entries(shards)) for (const [name] of tensors) weightMap[name] = file;
  return { metadata: { total_size: 0 }, weight_map: weightMap };
}

/** A folder with config.json, the given shards, their index and any extra files; runs fn(dir). */
function withShardedDir({ shards = SHARDS, index = indexOf(shards), indexName = 'model.safetensors.index.json', extra = {} }, fn) {
  const files = { 'config.json': readFileSync(join(TINY, 'config.json')), [indexName]: index, ...extra };
  for (const [file, tensors] of Object.entries(shards)) files[file] = encodeSafetensors(new Map(tensors));
  return withFolder(files, fn);
}

async function logits(dir, options = {}) {
  const model = await AlbertModel.fromPretrained(dir, { threads: 1, ...options });
  try {
    return { out: (await model.forward(INPUTS)).predictionLogits.data, shared: model.weightsShared };
  } finally {
    model.dispose();
  }
}

test('two safetensors shards give the outputs of the single file', async () => {
  const want = (await logits(TINY, { shareWeights: false })).out;
  await withShardedDir({}, async (dir) => {
    assert.equal((await logits(dir, { shareWeights: false })).out, want);
  });
});

test('a pytorch_model.bin index over .bin shards', async () => {
  const bin = 'pytorch_model-00001-of-00001.bin';
  const weightMap = Object.fromEntries(TENSORS.map(([name]) => [name, bin]));
  await withShardedDir({ shards: {}, index: { weight_map: weightMap }, indexName: 'pytorch_model.bin.index.json', extra: { [bin]: readFileSync(join(FIXTURES, 'pytorch', 'tiny-pretraining-zip.bin')) } }, async (dir) => {
    assert.equal((await logits(dir, { shareWeights: false })).out, (await logits(TINY, { shareWeights: false })).out);
  });
});

test('sharing: a second load shares; a replaced shard makes a new key', async () => {
  await withShardedDir({}, async (dir) => {
    const first = await AlbertModel.fromPretrained(dir, { threads: 1 });
    try {
      assert.is((await logits(dir)).shared, true);
      const shard = join(dir, 'model-00002-of-00002.safetensors');
      copyFileSync(shard, `${shard}.new`);
      rmSync(shard);
      copyFileSync(`${shard}.new`, shard); // same bytes, another file
      assert.is((await logits(dir)).shared, false);
    } finally {
      first.dispose();
    }
  });
});

test('broken indexes: named, with the code of their format', async () => {
  const [first] = Object.keys(SHARDS);
  const escape = indexOf(SHARDS);
  escape.weight_map[TENSORS[0][0]] = '../model-00001-of-00002.safetensors';
  const missingTensor = indexOf(SHARDS);
  missingTensor.weight_map['albert.pooler.extra'] = first;
  const cases = [
    [{ index: '{"weight_map": ' }, 'ERR_SAFETENSORS', /model\.safetensors\.index\.json: not valid JSON/],
    [{ index: { metadata: {} } }, 'ERR_SAFETENSORS', /no "weight_map" object/],
    [{ index: escape }, 'ERR_SAFETENSORS', /maps to "\.\.\/model-00001-of-00002\.safetensors", not a file name in the folder/],
    [{ index: missingTensor }, 'ERR_SAFETENSORS', /tensor "albert\.pooler\.extra" should be in shard model-00001-of-00002\.safetensors/],
    [{ shards: { [first]: SHARDS[first] }, index: indexOf(SHARDS) }, 'ERR_NOT_FOUND', /shard model-00002-of-00002\.safetensors of model\.safetensors\.index\.json not found/],
    [{ shards: { ...SHARDS, 'model-00003-of-00003.safetensors': TENSORS.slice(0, 1) } }, 'ERR_SAFETENSORS', /is stored in more than one shard/],
  ];
  for (const [setup, code, pattern] of cases) {
    await withShardedDir(setup, (dir) => rejectsWithCode(AlbertModel.fromPretrained(dir, { threads: 1 }), code, pattern));
  }
});

test.run();
