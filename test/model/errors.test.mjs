// Bad input of every kind gives an AlbertError with a code and a message naming the problem.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { AlbertModel } from 'albert-native';
import { encodeSafetensors, readConfig, readSafetensors, writeModelDir } from '../helpers/checkpoint.mjs';
import { rejectsWithCode } from '../helpers/assert.mjs';
import { modelDir } from '../helpers/golden.mjs';

const TINY = modelDir('tiny-pretraining');
const CONFIG = readConfig(TINY);
const TENSORS = readSafetensors(join(TINY, 'model.safetensors'));
const GOOD_BYTES = encodeSafetensors(TENSORS);

async function loadWith(config, bytes, pattern, code) {
  const { dir, cleanup } = writeModelDir(config, bytes);
  try {
    await rejectsWithCode(AlbertModel.fromPretrained(dir, { threads: 1 }), code, pattern);
  } finally {
    cleanup();
  }
}

// Rewrites the JSON header of the good file (keeping the data section).
function withHeader(edit) {
  const n = Number(GOOD_BYTES.readBigUInt64LE(0));
  const header = JSON.parse(GOOD_BYTES.subarray(8, 8 + n).toString());
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([prefix, json, GOOD_BYTES.subarray(8 + n)]);
}

test('missing folder, config.json or model.safetensors', async () => {
  await rejectsWithCode(AlbertModel.fromPretrained('/nonexistent/albert'), 'ERR_NOT_FOUND', /\/nonexistent\/albert/);
  await loadWith(null, GOOD_BYTES, /config\.json/, 'ERR_NOT_FOUND');
  await loadWith(CONFIG, null, /model\.safetensors/, 'ERR_NOT_FOUND');
});

test('malformed config.json, unknown hidden_act, bad fields', async () => {
  await loadWith('{ "vocab_size": 1000,', GOOD_BYTES, /config\.json: not valid JSON/, 'ERR_CONFIG');
  await loadWith({ ...CONFIG, hidden_act: 'gelu_wobbly' }, GOOD_BYTES, /unknown hidden_act "gelu_wobbly"/, 'ERR_CONFIG');
  await loadWith({ ...CONFIG, hidden_size: -4 }, GOOD_BYTES, /"hidden_size"/, 'ERR_CONFIG');
  await loadWith({ ...CONFIG, num_attention_heads: 5 }, GOOD_BYTES, /not a multiple of num_attention_heads/, 'ERR_CONFIG');
  await loadWith({ ...CONFIG, position_embedding_type: 'rotary' }, GOOD_BYTES, /position_embedding_type/, 'ERR_CONFIG');
  await loadWith({ ...CONFIG, model_type: 'bert' }, GOOD_BYTES, /model_type/, 'ERR_CONFIG');
  // Damaged layer counts fail at once instead of running for hours.
  await loadWith({ ...CONFIG, num_hidden_layers: 1e9 }, GOOD_BYTES, /num_hidden_layers 1000000000 is more than 1024/, 'ERR_CONFIG');
});

test('safetensors: truncated file, header past the end, bad JSON', async () => {
  await loadWith(CONFIG, GOOD_BYTES.subarray(0, 5), /too short/, 'ERR_SAFETENSORS');
  await loadWith(CONFIG, GOOD_BYTES.subarray(0, GOOD_BYTES.length - 100), /outside the \d+-byte data section/, 'ERR_SAFETENSORS');
  const huge = Buffer.from(GOOD_BYTES);
  huge.writeBigUInt64LE(BigInt(GOOD_BYTES.length * 2));
  await loadWith(CONFIG, huge, /header length \d+ runs past the end/, 'ERR_SAFETENSORS');
  const broken = Buffer.from(GOOD_BYTES);
  broken.write('{{', 8); // the header's opening brace becomes invalid JSON
  await loadWith(CONFIG, broken, /not valid JSON/, 'ERR_SAFETENSORS');
});

test('safetensors: overlapping or out-of-range offsets, unknown dtype', async () => {
  const overlap = withHeader((h) => {
    const names = Object.keys(h).filter((k) => k !== '__metadata__');
    const [a, b] = [h[names[0]], h[names[1]]];
    const len = b.data_offsets[1] - b.data_offsets[0];
    if (a.data_offsets[1] - a.data_offsets[0] >= len) b.data_offsets = [a.data_offsets[0], a.data_offsets[0] + len];
    else a.data_offsets = [b.data_offsets[0], b.data_offsets[0] + (a.data_offsets[1] - a.data_offsets[0])];
  });
  await loadWith(CONFIG, overlap, /overlap/, 'ERR_SAFETENSORS');
  const outOfRange = withHeader((h) => {
    h['albert.pooler.bias'].data_offsets = [10_000_000, 10_000_256];
  });
  await loadWith(CONFIG, outOfRange, /albert\.pooler\.bias.*outside/, 'ERR_SAFETENSORS');
  const badDtype = withHeader((h) => {
    h['albert.pooler.bias'].dtype = 'F31';
  });
  await loadWith(CONFIG, badDtype, /albert\.pooler\.bias.*unknown dtype "F31"/, 'ERR_SAFETENSORS');
  const sizeMismatch = withHeader((h) => {
    h['albert.pooler.bias'].shape = [65];
  });
  await loadWith(CONFIG, sizeMismatch, /albert\.pooler\.bias.*bytes stored/, 'ERR_SAFETENSORS');
});

test('missing or mis-shaped tensor, wrong dtype, bad position_ids', async () => {
  const missing = new Map(TENSORS);
  missing.delete('albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.weight');
  await loadWith(CONFIG, encodeSafetensors(missing), /missing tensor "encoder\.albert_layer_groups\.0\.albert_layers\.0\.ffn\.weight"/, 'ERR_WEIGHTS');
  // More inner layers than the file holds: the first missing one is named, without listing 10^9.
  const started = performance.now();
  await loadWith({ ...CONFIG, inner_group_num: 1e9 }, GOOD_BYTES, /missing tensor "encoder\.albert_layer_groups\.0\.albert_layers\.1\.attention\.query\.weight"/, 'ERR_WEIGHTS');
  assert.ok(performance.now() - started < 5000, 'a damaged inner_group_num fails fast');
  const misShaped = new Map(TENSORS);
  const t = misShaped.get('albert.pooler.weight');
  misShaped.set('albert.pooler.weight', { ...t, shape: [32, 128] });
  await loadWith(CONFIG, encodeSafetensors(misShaped), /"albert\.pooler\.weight" has shape \[32, 128\], expected \[64, 64\]/, 'ERR_WEIGHTS');
  const intWeights = new Map(TENSORS);
  const bias = intWeights.get('albert.pooler.bias');
  intWeights.set('albert.pooler.bias', { ...bias, dtype: 'I32' });
  await loadWith(CONFIG, encodeSafetensors(intWeights), /albert\.pooler\.bias.*dtype I32/, 'ERR_WEIGHTS');
  const positions = new Map(TENSORS);
  const ids = new BigInt64Array(64).map((_, i) => BigInt(i === 5 ? 0 : i));
  positions.set('albert.embeddings.position_ids', { dtype: 'I64', shape: [1, 64], bytes: Buffer.from(ids.buffer) });
  await loadWith(CONFIG, encodeSafetensors(positions), /position_ids.*not 0\.\.P-1 at index 5/, 'ERR_WEIGHTS');
});

test('bad options: unknown head, bad threads, unknown isa', async () => {
  await rejectsWithCode(AlbertModel.fromPretrained(TINY, { head: 'summarization' }), 'ERR_CONFIG', /unknown head "summarization"/);
  await rejectsWithCode(AlbertModel.fromPretrained(TINY, { threads: 0 }), 'ERR_CONFIG', /threads/);
  await rejectsWithCode(AlbertModel.fromPretrained(TINY, { isa: 'sse9' }), 'ERR_ISA', /sse9/);
  await rejectsWithCode(AlbertModel.fromPretrained(TINY, { precision: 'fp8' }), 'ERR_CONFIG', /precision/);
});

test('forward: bad ids, lengths, dims, empty batch, masks', async () => {
  const model = await AlbertModel.fromPretrained(TINY, { threads: 1 });
  try {
    await rejectsWithCode(model.forward({ inputIds: [[2, -1, 3]] }), 'ERR_INPUT', /inputIds\[1\] = -1 is not a valid token id/);
    await rejectsWithCode(model.forward({ inputIds: [[2, 1000, 3]] }), 'ERR_INPUT', /inputIds\[1\] = 1000.*vocab_size 1000/);
    await rejectsWithCode(model.forward({ inputIds: [Array(65).fill(5)] }), 'ERR_INPUT', /sequence length 65 exceeds max_position_embeddings 64/);
    await rejectsWithCode(model.forward({ inputIds: [[2, 5, 3]], attentionMask: [[1, 1]] }), 'ERR_INPUT', /attentionMask dims \[1, 2\] disagree with inputIds dims \[1, 3\]/);
    await rejectsWithCode(model.forward({ inputIds: [[2, 5, 3]], tokenTypeIds: [[0, 0, 0], [0, 0, 0]] }), 'ERR_INPUT', /tokenTypeIds dims/);
    await rejectsWithCode(model.forward({ inputIds: [[2, 5, 3]], tokenTypeIds: [[0, 2, 0]] }), 'ERR_INPUT', /token type id/);
    await rejectsWithCode(model.forward({ inputIds: { data: new Int32Array(0), dims: [0, 8] } }), 'ERR_INPUT', /empty batch/);
    await rejectsWithCode(model.forward({ inputIds: [] }), 'ERR_INPUT');
    await rejectsWithCode(model.forward({ inputIds: { data: new Int32Array(6), dims: [2, 4] } }), 'ERR_INPUT', /6 elements but dims \[2, 4\] need 8/);
    await rejectsWithCode(model.forward({ inputIds: [[2, 5], [3]] }), 'ERR_INPUT', /ragged/);
    await rejectsWithCode(model.forward({ inputIds: [[2, 5.5, 3]] }), 'ERR_INPUT', /not an integer/);
    await rejectsWithCode(model.forward({ inputIds: [[2, 5, 3]], attentionMask: [[0, 0, 0]] }), 'ERR_INPUT', /row 0 has no 1s/);
    await rejectsWithCode(model.forward({ inputIds: [[[2, 5, 3]]] }), 'ERR_INPUT', /2 dims/);
    await rejectsWithCode(model.forward(null), 'ERR_INPUT');
    // Still usable after all that.
    const ok = await model.forward({ inputIds: { data: new BigInt64Array([2n, 5n, 3n]), dims: [1, 3] } });
    assert.equal(ok.lastHiddenState.dims, [1, 3, 64]);
  } finally {
    model.dispose();
  }
});

test('forward after dispose', async () => {
  const model = await AlbertModel.fromPretrained(TINY, { threads: 1 });
  model.dispose();
  model.dispose(); // idempotent
  assert.ok(model.disposed);
  await rejectsWithCode(model.forward({ inputIds: [[2, 3]] }), 'ERR_DISPOSED', /after dispose/);
});

test.run();
