// multiple-choice: scores each candidate answer for a context (AlbertForMultipleChoice).
import { AlbertError } from '../errors';
import { mappingPipeline, maxTokens, requireObject, requireText, type BatchOptions, type MappingPipeline } from './base';
import type { Loaded } from './load';
import { softmax } from './math';

export interface MultipleChoiceInput {
  /** The prompt / question each choice is paired with. */
  context: string;
  choices: readonly string[];
}

export interface MultipleChoiceResult {
  choice: string;
  /** Softmax over the choices: the scores of one input sum to 1. */
  score: number;
}

export type MultipleChoiceOptions = BatchOptions;

/** Results in the order of the input's choices. */
export type MultipleChoicePipeline = MappingPipeline<MultipleChoiceInput, MultipleChoiceResult[], MultipleChoiceOptions>;

interface Item {
  context: string;
  choices: string[];
}

function checkInput(input: unknown): Item {
  const o = requireObject(input, 'multiple-choice: input ({ context, choices })');
  const context = requireText(o.context, 'multiple-choice: context');
  if (!Array.isArray(o.choices) || o.choices.length === 0) {
    throw new TypeError('multiple-choice: choices must be a non-empty array of strings');
  }
  return { context, choices: o.choices.map((c) => requireText(c, 'multiple-choice: each choice')) };
}

/** Builds the multiple-choice pipeline on a loaded multiple-choice model. */
export function multipleChoicePipeline(loaded: Loaded): MultipleChoicePipeline {
  const { model, tokenizer } = loaded;
  /** One forward with inputs [items, choices, seq]: (context, choice) pairs padded to the longest. */
  const scoreGroup = async (group: Item[]): Promise<MultipleChoiceResult[][]> => {
    const n = group[0].choices.length;
    const pairs = group.flatMap((item) => item.choices.map((c): [string, string] => [item.context, c]));
    const batch = tokenizer.encodeBatch(pairs, { maxLength: maxTokens(loaded), truncation: 'longest_first', padding: 'longest' });
    const dims = [group.length, n, batch.inputIds.dims[1]];
    const { logits } = await model.forward({
      inputIds: { data: batch.inputIds.data, dims },
      attentionMask: { data: batch.attentionMask.data, dims },
      tokenTypeIds: { data: batch.tokenTypeIds.data, dims },
    });
    if (!logits) throw new AlbertError('ERR_NATIVE', 'the model returned no logits');
    return group.map((item, b) => {
      const probs = softmax(logits.data, b * n, n);
      return item.choices.map((choice, i) => ({ choice, score: probs[i] }));
    });
  };
  // Items with the same number of choices share a forward; the groups run concurrently.
  const run = async (items: Item[]): Promise<MultipleChoiceResult[][]> => {
    const groups = new Map<number, number[]>();
    items.forEach((item, i) => groups.set(item.choices.length, [...(groups.get(item.choices.length) ?? []), i]));
    const out = new Array<MultipleChoiceResult[]>(items.length);
    await Promise.all([...groups.values()].map(async (indices) => {
      const results = await scoreGroup(indices.map((i) => items[i]));
      indices.forEach((i, k) => { out[i] = results[k]; });
    }));
    return out;
  };
  return mappingPipeline<MultipleChoiceInput, Item, MultipleChoiceResult[], MultipleChoiceOptions>('multiple-choice', loaded, checkInput, run);
}
