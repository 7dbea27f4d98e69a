// sentence-order: ALBERT's sentence-order prediction (SOP) head of a pretraining checkpoint.
import { AlbertError } from '../errors';
import { mappingPipeline, maxTokens, requireObject, requireText, type BatchOptions, type MappingPipeline } from './base';
import type { Loaded } from './load';
import { softmax } from './math';

export interface SentenceOrderInput {
  text: string;
  textPair: string;
}

export interface SentenceOrderResult {
  /** Probability that textPair follows text in the original order (SOP label 0). */
  score: number;
}

export type SentenceOrderOptions = BatchOptions;

export type SentenceOrderPipeline = MappingPipeline<SentenceOrderInput, SentenceOrderResult, SentenceOrderOptions>;

function checkInput(input: unknown): [string, string] {
  const o = requireObject(input, 'sentence-order: input ({ text, textPair })');
  return [requireText(o.text, 'sentence-order: text'), requireText(o.textPair, 'sentence-order: textPair')];
}

/** Builds the sentence-order pipeline on a loaded pretraining model. */
export function sentenceOrderPipeline(loaded: Loaded): SentenceOrderPipeline {
  const { model, tokenizer } = loaded;
  const run = async (pairs: Array<[string, string]>): Promise<SentenceOrderResult[]> => {
    const batch = tokenizer.encodeBatch(pairs, { maxLength: maxTokens(loaded), truncation: 'longest_first', padding: 'longest' });
    const { sopLogits } = await model.forward(batch);
    if (!sopLogits) throw new AlbertError('ERR_NATIVE', 'the model returned no SOP logits');
    return pairs.map((_, b) => ({ score: softmax(sopLogits.data, b * 2, 2)[0] }));
  };
  return mappingPipeline<SentenceOrderInput, [string, string], SentenceOrderResult, SentenceOrderOptions>('sentence-order', loaded, checkInput, run);
}
