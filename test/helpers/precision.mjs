// How close a reduced-precision model (bf16, int8) stays to fp32, measured the same way for
// every precision: per-token cosine of the last hidden state, MLM top-1 agreement and the RMS
// error of the logits, against the fp32 goldens (or our fp32 where the goldens hold no logits).
import * as assert from 'uvu/assert';
import { AlbertModel } from 'albert-native';
import { int32, loadGolden, modelDir } from './golden.mjs';

export function cosine(a, b) {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

function argmax(row) {
  let best = 0;
  for (let i = 1; i < row.length; ++i) if (row[i] > row[best]) best = i;
  return best;
}

const inputsOf = (c, get) => ({ inputIds: int32(get(c.inputs.input_ids)), attentionMask: int32(get(c.inputs.attention_mask)), tokenTypeIds: int32(get(c.inputs.token_type_ids)) });

/**
 * Checks the model `load(options)` gives (options: { head }) on dir's golden cases: the worst
 * real token's cosine against the golden last hidden state, MLM top-1 at every real position
 * (against the golden logits where they exist, else our fp32's, which must agree with them),
 * and the median over positions of the logits' RMS error against our fp32.
 */
export async function checkAgainstGolden(load, dir, { minCosine, minTop1, maxLogitRms = Infinity }) {
  const { golden, get } = loadGolden(dir);
  const base = await load({ head: 'base' });
  const mlmHead = golden.head_class === 'AlbertForMaskedLM' ? 'masked-lm' : 'pretraining';
  const mlm = await load({ head: mlmHead });
  const fp32 = await AlbertModel.fromPretrained(dir, { threads: 2, head: mlmHead });
  let worstCosine = 1, tokens = 0, agree = 0, positions = 0, fp32Disagreements = 0;
  const logitRms = [];  // per position: RMS over the vocabulary of reduced - fp32 logits
  try {
    for (const c of golden.cases) {
      const inputs = inputsOf(c, get);
      const mask = inputs.attentionMask.data;
      const want = get(c.encoder_outputs?.last_hidden_state ?? c.outputs.last_hidden_state);
      const H = want.dims.at(-1);
      const got = (await base.forward(inputs)).lastHiddenState;
      for (let t = 0; t < mask.length; ++t) {
        if (!mask[t]) continue;
        worstCosine = Math.min(worstCosine, cosine(got.data.subarray(t * H, (t + 1) * H), want.data.subarray(t * H, (t + 1) * H)));
        tokens += 1;
      }
      const logitsOf = (out) => out.logits ?? out.predictionLogits;
      const logits = logitsOf(await mlm.forward(inputs));
      const exact = logitsOf(await fp32.forward(inputs));
      const V = logits.dims[2], S = logits.dims[1];
      const refName = c.outputs.logits ? 'logits' : c.outputs.prediction_logits ? 'prediction_logits' : 'logits_selected';
      const ref = get(c.outputs[refName]);
      const sel = c.logits_positions ? get(c.logits_positions) : null;
      const goldenTop = new Map(); // token index b*S+pos -> HF's top-1
      for (let r = 0; r < ref.dims[0] * ref.dims[1]; ++r) {
        const b = Math.floor(r / ref.dims[1]);
        const pos = sel ? Number(sel.data[r]) : r % S;
        goldenTop.set(b * S + pos, argmax(ref.data.subarray(r * V, (r + 1) * V)));
      }
      for (let t = 0; t < mask.length; ++t) {
        if (!mask[t]) continue;
        const fp32Top = argmax(exact.data.subarray(t * V, (t + 1) * V));
        if (goldenTop.has(t) && fp32Top !== goldenTop.get(t)) fp32Disagreements += 1;
        const top = goldenTop.get(t) ?? fp32Top;
        agree += argmax(logits.data.subarray(t * V, (t + 1) * V)) === top ? 1 : 0;
        positions += 1;
        let squares = 0;
        for (let v = t * V; v < (t + 1) * V; ++v) squares += (logits.data[v] - exact.data[v]) ** 2;
        logitRms.push(Math.sqrt(squares / V));
      }
    }
  } finally {
    base.dispose();
    mlm.dispose();
    fp32.dispose();
  }
  assert.is(fp32Disagreements, 0, 'fp32 top-1 differs from the golden');
  assert.ok(tokens > 0 && positions > 0);
  assert.ok(worstCosine >= minCosine, `worst token cosine ${worstCosine} < ${minCosine}`);
  assert.ok(agree / positions >= minTop1, `MLM top-1 agreement ${agree}/${positions}`);
  const medianRms = logitRms.sort((a, b) => a - b)[logitRms.length >> 1];
  assert.ok(medianRms <= maxLogitRms, `median logit RMS error ${medianRms} > ${maxLogitRms}`);
  return { worstCosine, top1: agree / positions, medianRms };
}

/** The worst real token's cosine between `model`'s and fp32's last hidden state on a tiny fixture's golden inputs. */
export async function worstCosineVsFp32(model, name) {
  const dir = modelDir(name);
  const { golden, get } = loadGolden(dir);
  const fp32 = await AlbertModel.fromPretrained(dir, { threads: 2 });
  const last = async (m, inputs) => (await m.forward(inputs, { outputHiddenStates: true })).hiddenStates.at(-1);
  try {
    let worst = 1, tokens = 0;
    for (const c of golden.cases) {
      const inputs = inputsOf(c, get);
      const got = await last(model, inputs);
      const want = await last(fp32, inputs);
      const H = want.dims.at(-1);
      inputs.attentionMask.data.forEach((m, t) => {
        if (!m) return;
        worst = Math.min(worst, cosine(got.data.subarray(t * H, (t + 1) * H), want.data.subarray(t * H, (t + 1) * H)));
        tokens += 1;
      });
    }
    assert.ok(tokens > 0);
    return worst;
  } finally {
    fp32.dispose();
  }
}
