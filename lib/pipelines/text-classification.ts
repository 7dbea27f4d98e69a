// text-classification: labels with scores for a text or a text pair (HF's TextClassificationPipeline).
import { AlbertError } from '../errors';
import type { AlbertConfig } from '../model/config';
import {
  labelOf, mappingPipeline, maxTokens, oneOf, positiveInt, requireObject, requireText,
  type BatchOptions, type MappingPipeline,
} from './base';
import type { Loaded } from './load';
import { sigmoid, softmax, topIndices } from './math';

export type ClassificationFunction = 'softmax' | 'sigmoid' | 'none';

export interface TextClassificationOptions extends BatchOptions {
  /** Labels to return, best first (default 1); `null` returns every label. */
  topK?: number | null;
  /**
   * How logits become scores. Default from config problem_type: multi_label_classification
   * -> 'sigmoid'; regression (or a single label) -> 'none' (the raw value); else 'softmax'.
   */
  functionToApply?: ClassificationFunction;
}

/** A text, or a pair classified together ([CLS] text [SEP] textPair [SEP]). */
export type TextClassificationInput = string | { text: string; textPair?: string };

export interface TextClassificationResult {
  label: string;
  score: number;
}

export type TextClassificationPipeline = MappingPipeline<TextClassificationInput, TextClassificationResult[], TextClassificationOptions>;

const FUNCTIONS: readonly ClassificationFunction[] = ['softmax', 'sigmoid', 'none'];

/** The function HF applies by default for this config. */
export function defaultClassificationFunction(config: AlbertConfig): ClassificationFunction {
  if (config.problemType === 'multi_label_classification') return 'sigmoid';
  if (config.problemType === 'regression' || config.numLabels === 1) return 'none';
  return 'softmax';
}

function checkInput(input: unknown): [string, string] | string {
  if (typeof input === 'string') return input;
  const o = requireObject(input, 'text-classification: input (a string or { text, textPair })');
  const text = requireText(o.text, 'text-classification: text');
  if (o.textPair === undefined || o.textPair === null) return text;
  return [text, requireText(o.textPair, 'text-classification: textPair')];
}

function scores(logits: Float32Array, from: number, n: number, fn: ClassificationFunction): ArrayLike<number> {
  if (fn === 'softmax') return softmax(logits, from, n);
  const row = Array.from(logits.subarray(from, from + n));
  return fn === 'sigmoid' ? row.map(sigmoid) : row;
}

/** Builds the text-classification pipeline on a loaded sequence-classification model. */
export function textClassificationPipeline(loaded: Loaded): TextClassificationPipeline {
  const { model, tokenizer } = loaded;
  const run = async (items: Array<string | [string, string]>, options: TextClassificationOptions): Promise<TextClassificationResult[][]> => {
    const fn = oneOf(options.functionToApply, 'functionToApply', FUNCTIONS, defaultClassificationFunction(model.config));
    const batch = tokenizer.encodeBatch(items, { maxLength: maxTokens(loaded), truncation: 'longest_first', padding: 'longest' });
    const { logits } = await model.forward(batch);
    if (!logits) throw new AlbertError('ERR_NATIVE', 'the model returned no logits');
    const n = logits.dims[1];
    const topK = options.topK === null ? n : Math.min(n, positiveInt(options.topK, 'topK', 1));
    return items.map((_, b) => {
      const row = scores(logits.data, b * n, n, fn);
      return topIndices(row, topK).map((i) => ({ label: labelOf(loaded, i), score: row[i] }));
    });
  };
  return mappingPipeline<TextClassificationInput, string | [string, string], TextClassificationResult[], TextClassificationOptions>(
    'text-classification', loaded, checkInput, run);
}
