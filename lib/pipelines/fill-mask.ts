// fill-mask: the most likely tokens at each [MASK] (Hugging Face's FillMaskPipeline).
import { AlbertError } from '../errors';
import type { Tensor } from '../model/tensor';
import { mappingPipeline, maxTokens, positiveInt, requireText, type BatchOptions, type MappingPipeline } from './base';
import type { Loaded } from './load';
import { softmax, topIndices } from './math';

export interface FillMaskOptions extends BatchOptions {
  /** Candidates per mask (default 5). */
  topK?: number;
  /**
   * Only score these tokens. Each is a vocabulary piece (e.g. '▁paris') or a word, which
   * is tokenized and stands for its first piece.
   */
  targets?: string | readonly string[];
}

export interface FillMaskResult {
  /** Probability of the token at the mask (softmax over the vocabulary). */
  score: number;
  /** Token id. */
  token: number;
  /** The token decoded to text. */
  tokenStr: string;
  /** The input with this token at the mask, decoded without special tokens. */
  sequence: string;
}

/**
 * One list of candidates, best first, for a text with one [MASK]; a text with several
 * masks gets one such list per mask (as Hugging Face does).
 */
export type FillMaskOutput = FillMaskResult[] | FillMaskResult[][];

export type FillMaskPipeline = MappingPipeline<string, FillMaskOutput, FillMaskOptions>;

function targetIds(loaded: Loaded, targets: FillMaskOptions['targets']): number[] | undefined {
  if (targets === undefined) return undefined;
  const list = typeof targets === 'string' ? [targets] : targets;
  if (!Array.isArray(list) || list.length === 0) throw new AlbertError('ERR_INPUT', 'option targets must be a string or a non-empty array of strings');
  const { tokenizer } = loaded;
  const ids = new Set<number>();
  for (const target of list) {
    requireText(target, 'each target');
    const direct = tokenizer.sp.pieceToId(target);
    const id = direct !== tokenizer.unkTokenId || target === tokenizer.unkToken
      ? direct
      : tokenizer.encode(target, null, { addSpecialTokens: false }).inputIds[0];
    if (id === undefined) throw new AlbertError('ERR_INPUT', `target ${JSON.stringify(target)} is empty after tokenization`);
    ids.add(id);
  }
  return [...ids];
}

function logitsOf(output: { predictionLogits?: Tensor; logits?: Tensor }): Tensor {
  const logits = output.predictionLogits ?? output.logits;
  if (!logits) throw new AlbertError('ERR_NATIVE', 'the model returned no MLM logits');
  return logits;
}

/** Builds the fill-mask pipeline on a loaded masked-lm or pretraining model. */
export function fillMaskPipeline(loaded: Loaded): FillMaskPipeline {
  const { model, tokenizer } = loaded;
  const maskId = tokenizer.maskTokenId;
  const check = (text: unknown) => requireText(text, 'fill-mask: text');
  const run = async (texts: string[], options: FillMaskOptions): Promise<FillMaskOutput[]> => {
    const topK = positiveInt(options.topK, 'topK', 5);
    const candidates = targetIds(loaded, options.targets);
    const batch = tokenizer.encodeBatch(texts, { maxLength: maxTokens(loaded), truncation: 'longest_first', padding: 'longest' });
    const [, seq] = batch.inputIds.dims;
    const masks = batch.encodings.map((enc, i) => {
      const positions = enc.inputIds.flatMap((id, p) => (id === maskId ? [p] : []));
      if (positions.length === 0) {
        const why = tokenizer.encode(texts[i], null).inputIds.includes(maskId) ? ' within the first ' + maxTokens(loaded) + ' tokens' : '';
        throw new AlbertError('ERR_INPUT', `fill-mask: no ${tokenizer.maskToken} token${why} in ${JSON.stringify(texts[i].slice(0, 80))}`);
      }
      return positions;
    });
    // Vocabulary logits only at the masks: compact [count, vocab] rows in (text, position) order.
    const logitsAt = new Int32Array(batch.inputIds.data.length);
    masks.forEach((positions, b) => positions.forEach((p) => { logitsAt[b * seq + p] = 1; }));
    const logits = logitsOf(await model.forward(batch, { logitsAt: { data: logitsAt, dims: batch.inputIds.dims } }));
    const vocab = logits.dims[1];
    let row = 0;
    return batch.encodings.map((enc, b) => {
      const real = enc.inputIds.slice(0, enc.attentionMask.lastIndexOf(1) + 1);
      const perMask = masks[b].map((p) => {
        const probs = softmax(logits.data, (row++) * vocab, vocab);
        return topIndices(probs, topK, candidates).map((id): FillMaskResult => {
          const filled = real.slice();
          filled[p] = id;
          return {
            score: probs[id],
            token: id,
            tokenStr: tokenizer.decode([id]),
            sequence: tokenizer.decode(filled, { skipSpecialTokens: true }),
          };
        });
      });
      return perMask.length === 1 ? perMask[0] : perMask;
    });
  };
  return mappingPipeline<string, string, FillMaskOutput, FillMaskOptions>('fill-mask', loaded, check, run);
}
