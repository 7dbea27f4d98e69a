// The acceptance test: every case of every fixture's golden.json, every output, at every
// non-padded position, under every ISA path this CPU has, within the fixture's tolerances.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertModel, cpuInfo } from 'albert-native';
import { BASE_MODEL_DIR, compare, hasBaseModel, int32, loadGolden, modelDir, paddingSkipper, TINY_MODELS } from '../helpers/golden.mjs';

const ISAS = cpuInfo().supportedIsas;

function pick(out, name, get, refs) {
  if (name === 'logits_selected') {
    // logits[b, positions[b, j]] for the 30000-wide MLM logits of long cases.
    const positions = get(refs.logits_positions);
    const [B, J] = positions.dims;
    const V = out.logits.dims[2];
    const S = out.logits.dims[1];
    const data = new Float32Array(B * J * V);
    for (let b = 0; b < B; ++b) {
      for (let j = 0; j < J; ++j) {
        const p = Number(positions.data[b * J + j]);
        data.set(out.logits.data.subarray((b * S + p) * V, (b * S + p + 1) * V), (b * J + j) * V);
      }
    }
    return { data, dims: [B, J, V] };
  }
  const [field, index] = name.split('.');
  const camel = field.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  return index === undefined ? out[camel] : out[camel]?.[Number(index)];
}

async function checkModel(label, dir, isa, { headFor = () => undefined } = {}) {
  const { golden, get } = loadGolden(dir);
  const models = new Map();
  const modelFor = async (head) => {
    if (!models.has(head)) models.set(head, await AlbertModel.fromPretrained(dir, { isa, threads: 2, head }));
    return models.get(head);
  };
  try {
    for (const c of golden.cases) {
      const inputs = {
        inputIds: int32(get(c.inputs.input_ids)),
        attentionMask: int32(get(c.inputs.attention_mask)),
        tokenTypeIds: int32(get(c.inputs.token_type_ids)),
      };
      const call = { outputHiddenStates: c.call.output_hidden_states, outputAttentions: c.call.output_attentions };
      const expected = { ...c.outputs, ...(c.encoder_outputs ?? {}) };
      const results = new Map();
      for (const [name, ref] of Object.entries(expected)) {
        const head = headFor(name);
        if (!results.has(head)) results.set(head, await (await modelFor(head)).forward(inputs, call));
        const got = pick(results.get(head), name, get, c);
        assert.ok(got, `${label} ${c.name}: output ${name} missing`);
        const want = get(ref);
        const mask = get(c.inputs.attention_mask);
        const positions = c.logits_positions && get(c.logits_positions);
        const r = compare(got, want, ref.tolerance, paddingSkipper(name, want.dims, mask, positions));
        assert.ok(r.ok, `${label} ${c.name} ${name}: ${r.message}`);
      }
      if (c.call.output_hidden_states) {
        const out = results.get(headFor('hidden_states.0'));
        assert.is(out.hiddenStates.length, golden.hidden_states_count, 'number of hidden states');
        assert.is(out.attentions.length, golden.attentions_count, 'number of attentions');
      }
    }
  } finally {
    for (const m of models.values()) m.dispose();
  }
}

for (const isa of ISAS) {
  for (const name of TINY_MODELS) {
    test(`${name} matches Hugging Face (isa ${isa})`, () => checkModel(name, modelDir(name), isa));
  }
}

if (hasBaseModel) {
  // The bare AlbertModel (with pooler) produced last_hidden_state / pooler_output; the MLM
  // logits come from AlbertForMaskedLM on the same weights.
  const headFor = (name) => (name === 'logits' || name === 'logits_selected' ? 'masked-lm' : 'base');
  for (const isa of ISAS) {
    test(`albert-base-random matches Hugging Face (isa ${isa})`, () => checkModel('albert-base-random', BASE_MODEL_DIR, isa, { headFor }));
  }
} else {
  console.log(`note: ${BASE_MODEL_DIR} not found; the base-size golden test did not run`);
}

test.run();
