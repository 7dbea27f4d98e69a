// Configurations the goldens do not cover, checked against the float64 reference
// (test/helpers/reference.mjs), which is itself checked against a golden first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { AlbertModel, cpuInfo } from 'albert-native';
import { f32Tensor, f32Values, readConfig, readSafetensors, toBf16Bits, toF16Bits, writeModelDir } from '../helpers/checkpoint.mjs';
import { ACTIVATIONS, loadWeights, referenceForward } from '../helpers/reference.mjs';
import { assertClose } from '../helpers/assert.mjs';
import { int32, loadGolden, modelDir } from '../helpers/golden.mjs';

const TINY = modelDir('tiny-pretraining');
const CONFIG = readConfig(TINY);
const TENSORS = readSafetensors(join(TINY, 'model.safetensors'));
const ISAS = cpuInfo().supportedIsas;
const IDS = [2, 31, 415, 9, 77, 250, 640, 12, 999, 5, 3];
const TYPES = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1];

// bf16 rounds weights and activations to 8 significant bits: on this tiny model outputs move by
// up to ~0.03 (0.023 hidden, 0.031 logits with absolute positions). The distance embeddings
// below (std 0.3) move scores by whole units, so a lost relative term would still show.
const BF16_ABS = 5e-2;
const BF16_REL = 2e-2;

// Deterministic pseudo-random normal values (Box-Muller over a xorshift stream).
function randomNormal(n, std, seed) {
  let s = seed >>> 0 || 1;
  const next = () => ((s ^= s << 13, s ^= s >>> 17, s ^= s << 5) >>> 0) / 4294967296 + 1e-12;
  return Float32Array.from({ length: n }, () => std * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()));
}

async function runBoth(dir, config, { isa, precision, ids = IDS, types = TYPES, mask, head = 'pretraining', abs = 1e-4, rel = 1e-3 } = {}) {
  const model = await AlbertModel.fromPretrained(dir, { isa, precision, threads: 2 });
  try {
    const out = await model.forward({ inputIds: [ids], tokenTypeIds: [types], ...(mask ? { attentionMask: [mask] } : {}) });
    const ref = referenceForward(config, loadWeights(join(dir, 'model.safetensors')), ids, types, mask ?? ids.map(() => 1), head);
    const H = config.hidden_size;
    const real = (mask ?? ids.map(() => 1)).flatMap((m, s) => (m ? [s] : []));
    const pick = (data, width) => real.flatMap((s) => Array.from(data.subarray(s * width, (s + 1) * width)));
    const label = `${isa ?? 'default'} ${precision ?? 'fp32'}`;
    assertClose(pick(out.lastHiddenState.data, H), pick(ref.lastHiddenState, H), `${label} lastHiddenState`, { abs, rel });
    assertClose(Array.from(out.poolerOutput.data), Array.from(ref.pooled), `${label} poolerOutput`, { abs, rel });
    assertClose(pick(out.predictionLogits.data, config.vocab_size), pick(ref.mlmLogits, config.vocab_size), `${label} predictionLogits`, { abs, rel });
  } finally {
    model.dispose();
  }
}

test('the float64 reference itself matches the tiny-pretraining golden', () => {
  const { golden, get } = loadGolden(TINY);
  const c = golden.cases[0];
  const ids = Array.from(int32(get(c.inputs.input_ids)).data);
  const types = Array.from(int32(get(c.inputs.token_type_ids)).data);
  const ref = referenceForward(CONFIG, loadWeights(join(TINY, 'model.safetensors')), ids, types, undefined, 'pretraining');
  assertClose(Array.from(ref.lastHiddenState), Array.from(get(c.encoder_outputs.last_hidden_state).data), 'last_hidden_state', { abs: 1e-4, rel: 1e-3 });
  assertClose(Array.from(ref.mlmLogits), Array.from(get(c.outputs.prediction_logits).data), 'prediction_logits', { abs: 1e-4, rel: 1e-3 });
});

for (const act of Object.keys(ACTIVATIONS)) {
  test(`hidden_act ${act} matches HF's formula (every ISA)`, async () => {
    const config = { ...CONFIG, hidden_act: act };
    const { dir, cleanup } = writeModelDir(config, TENSORS);
    try {
      for (const isa of ISAS) await runBoth(dir, config, { isa });
    } finally {
      cleanup();
    }
  });
}

function withDistanceEmbeddings(type) {
  const config = { ...CONFIG, position_embedding_type: type };
  const d = config.hidden_size / config.num_attention_heads;
  const tensors = new Map(TENSORS);
  const rows = 2 * config.max_position_embeddings - 1;
  tensors.set('albert.encoder.albert_layer_groups.0.albert_layers.0.attention.distance_embedding.weight',
    f32Tensor([rows, d], randomNormal(rows * d, 0.3, 7)));
  return { config, tensors };
}

for (const type of ['relative_key', 'relative_key_query']) {
  test(`position_embedding_type ${type} matches the reference (every ISA, padded mask)`, async () => {
    const { config, tensors } = withDistanceEmbeddings(type);
    const { dir, cleanup } = writeModelDir(config, tensors);
    try {
      for (const isa of ISAS) {
        await runBoth(dir, config, { isa });
        // Padding in the middle and at the end: positions keep their original indices.
        await runBoth(dir, config, { isa, mask: [1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 1] });
      }
      // bf16 keeps relative positions' Q and K in fp32 (AMX attention reads them from there).
      if (cpuInfo().bf16) await runBoth(dir, config, { precision: 'bf16', mask: [1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 1], abs: BF16_ABS, rel: BF16_REL });
    } finally {
      cleanup();
    }
  });
}

test('a masked position 0 still feeds the pooler as a query, never as a key', async () => {
  const { dir, cleanup } = writeModelDir(CONFIG, TENSORS);
  try {
    await runBoth(dir, CONFIG, { isa: ISAS.at(-1), mask: [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] });
  } finally {
    cleanup();
  }
});

for (const [dtype, toBits] of [['F16', toF16Bits], ['BF16', toBf16Bits]]) {
  test(`${dtype} checkpoints load and compute with the stored values`, async () => {
    const tensors = new Map();
    for (const [name, t] of TENSORS) {
      tensors.set(name, t.dtype === 'F32' ? { dtype, shape: t.shape, bytes: Buffer.from(toBits(f32Values(t)).buffer) } : t);
    }
    const { dir, cleanup } = writeModelDir(CONFIG, tensors);
    try {
      await runBoth(dir, CONFIG, { isa: ISAS.at(-1) });
    } finally {
      cleanup();
    }
  });
}

test('weights without the "albert." prefix and without the tied decoder copy give identical outputs', async () => {
  const renamed = new Map();
  for (const [name, t] of TENSORS) {
    if (name.startsWith('predictions.decoder.')) continue;
    renamed.set(name.replace(/^albert\./, ''), t);
  }
  const { dir, cleanup } = writeModelDir(CONFIG, renamed);
  const a = await AlbertModel.fromPretrained(TINY, { threads: 1 });
  const b = await AlbertModel.fromPretrained(dir, { threads: 1 });
  try {
    const inputs = { inputIds: [IDS], tokenTypeIds: [TYPES] };
    const [x, y] = await Promise.all([a.forward(inputs), b.forward(inputs)]);
    assert.equal(Array.from(y.predictionLogits.data), Array.from(x.predictionLogits.data));
    assert.equal(Array.from(y.sopLogits.data), Array.from(x.sopLogits.data));
  } finally {
    a.dispose();
    b.dispose();
    cleanup();
  }
});

test.run();
