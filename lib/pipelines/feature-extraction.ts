// feature-extraction: the encoder's hidden states for texts, optionally pooled and normalized.
import type { Tensor } from '../model/tensor';
import { checkOptions, maxTokens, oneOf, positiveInt, requireText, withBase, type BatchOptions, type PipelineBase } from './base';
import type { Loaded } from './load';

export type Pooling = 'none' | 'mean' | 'cls';

export interface FeatureExtractionOptions extends BatchOptions {
  /**
   * 'none' (default): every token, [texts, seq, hidden] (padding rows are 0). 'mean': the
   * mean over each text's real tokens ([CLS] and [SEP] included), [texts, hidden]. 'cls':
   * the [CLS] token's vector, [texts, hidden].
   */
  pooling?: Pooling;
  /** Scale each vector to unit L2 norm (default false). */
  normalize?: boolean;
}

/** Always a tensor with the texts along the first dimension (1 for a single string). */
export interface FeatureExtractionPipeline extends PipelineBase {
  (texts: string | readonly string[], options?: FeatureExtractionOptions): Promise<Tensor>;
}

const POOLINGS: readonly Pooling[] = ['none', 'mean', 'cls'];

/** The vectors of one text: its padded rows (pooling 'none') or one pooled row. */
function poolRow(hidden: Float32Array, row: number, seq: number, width: number, mask: number[], pooling: Pooling): Float32Array {
  const base = row * seq * width;
  if (pooling === 'cls') return hidden.slice(base, base + width);
  if (pooling === 'none') {
    const out = hidden.slice(base, base + seq * width);
    mask.forEach((m, t) => { if (m === 0) out.fill(0, t * width, (t + 1) * width); });
    return out;
  }
  const sum = new Float64Array(width);
  let count = 0;
  mask.forEach((m, t) => {
    if (m === 0) return;
    count += 1;
    for (let k = 0; k < width; ++k) sum[k] += hidden[base + t * width + k];
  });
  return Float32Array.from(sum, (s) => s / count);
}

function normalizeRows(data: Float32Array, width: number): void {
  for (let at = 0; at < data.length; at += width) {
    let norm = 0;
    for (let k = 0; k < width; ++k) norm += data[at + k] * data[at + k];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < width; ++k) data[at + k] /= norm;
  }
}

/** Builds the feature-extraction pipeline on any loaded model (it reads lastHiddenState). */
export function featureExtractionPipeline(loaded: Loaded): FeatureExtractionPipeline {
  const { model, tokenizer } = loaded;
  const width = model.config.hiddenSize;
  const call = async (input: string | readonly string[], options?: FeatureExtractionOptions): Promise<Tensor> => {
    const opts = checkOptions<FeatureExtractionOptions>('feature-extraction', options);
    const pooling = oneOf(opts.pooling, 'pooling', POOLINGS, 'none');
    const size = positiveInt(opts.batchSize, 'batchSize', 32);
    const texts = (Array.isArray(input) ? (input as readonly unknown[]) : [input]).map((t) => requireText(t, 'feature-extraction: text'));
    const rows: Array<{ data: Float32Array; seq: number }> = [];
    for (let i = 0; i < texts.length; i += size) {
      const batch = tokenizer.encodeBatch(texts.slice(i, i + size), { maxLength: maxTokens(loaded), truncation: 'longest_first', padding: 'longest' });
      const seq = batch.inputIds.dims[1];
      const { lastHiddenState } = await model.forward(batch);
      batch.encodings.forEach((enc, row) => rows.push({ data: poolRow(lastHiddenState.data, row, seq, width, enc.attentionMask, pooling), seq }));
    }
    const seq = rows.reduce((m, r) => Math.max(m, r.seq), 0);
    const stride = pooling === 'none' ? seq * width : width;
    const data = new Float32Array(rows.length * stride);
    rows.forEach((r, i) => data.set(r.data, i * stride));
    if (opts.normalize === true) normalizeRows(data, width);
    return { data, dims: pooling === 'none' ? [rows.length, seq, width] : [rows.length, width] };
  };
  return withBase(call as FeatureExtractionPipeline, 'feature-extraction', loaded);
}
