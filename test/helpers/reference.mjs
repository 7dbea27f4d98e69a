// An independent float64 ALBERT forward pass in plain JavaScript, written from HF's
// modeling_albert.py semantics (see ../shared/fixtures/models/README.md). Slow and simple; used
// to check configurations the goldens do not cover (relative positions, every activation,
// f16/bf16 weights). It is itself checked against the goldens in test/model/reference.test.mjs.
import { readSafetensors } from './checkpoint.mjs';

function erf(x) {
  // Abramowitz & Stegun 7.1.26 refined by one Newton step on erf' = 2/sqrt(pi) e^{-x^2}
  // would be overkill: its 1.5e-7 error is far below the 1e-4 tolerances used here.
  const sign = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return sign * y;
}

export const ACTIVATIONS = {
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_python: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  gelu_pytorch_tanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  gelu_fast: (x) => 0.5 * x * (1 + Math.tanh(x * 0.7978845608 * (1 + 0.044715 * x * x))),
  quick_gelu: (x) => x / (1 + Math.exp(-1.702 * x)),
  relu: (x) => Math.max(0, x),
  silu: (x) => x / (1 + Math.exp(-x)),
  swish: (x) => x / (1 + Math.exp(-x)),
  tanh: (x) => Math.tanh(x),
  linear: (x) => x,
};

function decode(t) {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < n; ++i) {
    if (t.dtype === 'F32') out[i] = view.getFloat32(4 * i, true);
    else if (t.dtype === 'BF16') { u[0] = view.getUint16(2 * i, true) << 16; out[i] = f[0]; }
    else if (t.dtype === 'F16') {
      const h = view.getUint16(2 * i, true);
      const e = (h >> 10) & 31, m = h & 1023, s = h & 0x8000 ? -1 : 1;
      out[i] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
    }
  }
  return out;
}

/** Loads the tensors of a safetensors file as float64 arrays keyed by name without "albert.". */
export function loadWeights(path) {
  const w = new Map();
  for (const [name, t] of readSafetensors(path)) {
    if (t.dtype === 'I64') continue;
    w.set(name.replace(/^albert\./, ''), decode(t));
  }
  return w;
}

// y[rows, out] = x[rows, in] W^T + b
function linear(x, rows, inF, W, b, outF) {
  const y = new Float64Array(rows * outF);
  for (let r = 0; r < rows; ++r) {
    for (let o = 0; o < outF; ++o) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < inF; ++i) s += x[r * inF + i] * W[o * inF + i];
      y[r * outF + o] = s;
    }
  }
  return y;
}

function layerNorm(x, rows, width, g, b, eps) {
  for (let r = 0; r < rows; ++r) {
    let mean = 0;
    for (let i = 0; i < width; ++i) mean += x[r * width + i];
    mean /= width;
    let v = 0;
    for (let i = 0; i < width; ++i) v += (x[r * width + i] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / width + eps);
    for (let i = 0; i < width; ++i) x[r * width + i] = (x[r * width + i] - mean) * inv * g[i] + b[i];
  }
}

/**
 * Runs one sequence (batch 1) through the model. config: raw config.json; w: loadWeights();
 * ids/types/mask: number arrays. Returns { lastHiddenState, pooled, mlmLogits, classifier }.
 */
export function referenceForward(config, w, ids, types = ids.map(() => 0), mask = ids.map(() => 1), head = 'base') {
  const S = ids.length, E = config.embedding_size, H = config.hidden_size;
  const heads = config.num_attention_heads, d = H / heads, P = config.max_position_embeddings;
  const eps = config.layer_norm_eps ?? 1e-12;
  const act = ACTIVATIONS[config.hidden_act ?? 'gelu_new'];
  const posType = config.position_embedding_type ?? 'absolute';
  const get = (n) => { const t = w.get(n); if (!t) throw new Error(`reference: missing ${n}`); return t; };

  let e = new Float64Array(S * E);
  for (let s = 0; s < S; ++s) {
    for (let i = 0; i < E; ++i) {
      let v = get('embeddings.word_embeddings.weight')[ids[s] * E + i] + get('embeddings.token_type_embeddings.weight')[types[s] * E + i];
      if (posType === 'absolute') v += get('embeddings.position_embeddings.weight')[s * E + i];
      e[s * E + i] = v;
    }
  }
  layerNorm(e, S, E, get('embeddings.LayerNorm.weight'), get('embeddings.LayerNorm.bias'), eps);
  let h = linear(e, S, E, get('encoder.embedding_hidden_mapping_in.weight'), get('encoder.embedding_hidden_mapping_in.bias'), H);

  const layers = config.num_hidden_layers, groups = config.num_hidden_groups ?? 1, inner = config.inner_group_num ?? 1;
  for (let li = 0; li < layers; ++li) {
    const g = Math.floor(li / (layers / groups));
    for (let ii = 0; ii < inner; ++ii) {
      const p = `encoder.albert_layer_groups.${g}.albert_layers.${ii}.`;
      const q = linear(h, S, H, get(p + 'attention.query.weight'), get(p + 'attention.query.bias'), H);
      const k = linear(h, S, H, get(p + 'attention.key.weight'), get(p + 'attention.key.bias'), H);
      const v = linear(h, S, H, get(p + 'attention.value.weight'), get(p + 'attention.value.bias'), H);
      const ctx = new Float64Array(S * H);
      const D = posType === 'absolute' ? null : get(p + 'attention.distance_embedding.weight');
      for (let hd = 0; hd < heads; ++hd) {
        for (let l = 0; l < S; ++l) {
          const scores = new Float64Array(S);
          let max = -Infinity;
          for (let r = 0; r < S; ++r) {
            let s = 0;
            for (let i = 0; i < d; ++i) s += q[l * H + hd * d + i] * k[r * H + hd * d + i];
            if (D) {
              const row = (l - r + P - 1) * d;
              for (let i = 0; i < d; ++i) s += q[l * H + hd * d + i] * D[row + i];
              if (posType === 'relative_key_query') for (let i = 0; i < d; ++i) s += k[r * H + hd * d + i] * D[row + i];
            }
            s /= Math.sqrt(d);
            scores[r] = mask[r] ? s : -Infinity;
            max = Math.max(max, scores[r]);
          }
          let sum = 0;
          for (let r = 0; r < S; ++r) { scores[r] = Math.exp(scores[r] - max); sum += scores[r]; }
          for (let r = 0; r < S; ++r) {
            const pr = scores[r] / sum;
            for (let i = 0; i < d; ++i) ctx[l * H + hd * d + i] += pr * v[r * H + hd * d + i];
          }
        }
      }
      const a = linear(ctx, S, H, get(p + 'attention.dense.weight'), get(p + 'attention.dense.bias'), H);
      for (let i = 0; i < a.length; ++i) a[i] += h[i];
      layerNorm(a, S, H, get(p + 'attention.LayerNorm.weight'), get(p + 'attention.LayerNorm.bias'), eps);
      const f = linear(a, S, H, get(p + 'ffn.weight'), get(p + 'ffn.bias'), config.intermediate_size).map(act);
      h = linear(f, S, config.intermediate_size, get(p + 'ffn_output.weight'), get(p + 'ffn_output.bias'), H);
      for (let i = 0; i < h.length; ++i) h[i] += a[i];
      layerNorm(h, S, H, get(p + 'full_layer_layer_norm.weight'), get(p + 'full_layer_layer_norm.bias'), eps);
    }
  }
  const out = { lastHiddenState: h };
  if (w.has('pooler.weight')) out.pooled = linear(h.subarray(0, H), 1, H, get('pooler.weight'), get('pooler.bias'), H).map(Math.tanh);
  if (head === 'masked-lm' || head === 'pretraining') {
    const t = linear(h, S, H, get('predictions.dense.weight'), get('predictions.dense.bias'), E).map(act);
    layerNorm(t, S, E, get('predictions.LayerNorm.weight'), get('predictions.LayerNorm.bias'), eps);
    out.mlmLogits = linear(t, S, E, get('embeddings.word_embeddings.weight'), get('predictions.bias'), config.vocab_size);
  }
  return out;
}
