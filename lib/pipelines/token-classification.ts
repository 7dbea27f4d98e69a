// token-classification (NER): a label per token, optionally merged into entities
// (Hugging Face's TokenClassificationPipeline).
import { AlbertError } from '../errors';
import {
  labelOf, mappingPipeline, maxTokens, oneOf, requireText, trimSpan, type BatchOptions, type MappingPipeline,
} from './base';
import type { Loaded } from './load';
import { softmax } from './math';
import { aggregate, type AggregationStrategy, type EntityGroup, type PreEntity, type TokenEntity } from './token-aggregation';

export type { AggregationStrategy, EntityGroup, TokenEntity } from './token-aggregation';

export interface TokenClassificationOptions extends BatchOptions {
  /**
   * 'none' (default): one entry per token. 'simple': adjacent tokens with the same type
   * merged (B- starts a new entity). 'first' / 'average' / 'max': each word (SentencePiece
   * '▁' marks word starts) gets one label - its first token's, the mean of its tokens'
   * scores, or the most confident token's - and then words are merged as in 'simple'.
   */
  aggregationStrategy?: AggregationStrategy;
  /** Labels (or entity types) to leave out (default ['O']). */
  ignoreLabels?: readonly string[];
}

/** Entities of one text; start/end are offsets into that text. Texts longer than the model's maximum are truncated. */
export type TokenClassificationOutput = Array<TokenEntity | EntityGroup>;

export type TokenClassificationPipeline = MappingPipeline<string, TokenClassificationOutput, TokenClassificationOptions>;

const STRATEGIES: readonly AggregationStrategy[] = ['none', 'simple', 'first', 'average', 'max'];
const WORD_START = '\u2581';

function ignoreSet(labels: unknown): Set<string> {
  if (labels === undefined) return new Set(['O']);
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string')) {
    throw new AlbertError('ERR_INPUT', 'option ignoreLabels must be an array of strings');
  }
  return new Set(labels as string[]);
}

/** Builds the token-classification pipeline on a loaded token-classification model. */
export function tokenClassificationPipeline(loaded: Loaded): TokenClassificationPipeline {
  const { model, tokenizer } = loaded;
  const label = (i: number) => labelOf(loaded, i);
  const wordStartIds = new Set([tokenizer.unkTokenId, tokenizer.maskTokenId, tokenizer.clsTokenId, tokenizer.sepTokenId]);
  const run = async (texts: string[], options: TokenClassificationOptions): Promise<TokenClassificationOutput[]> => {
    const strategy = oneOf(options.aggregationStrategy, 'aggregationStrategy', STRATEGIES, 'none');
    const ignore = ignoreSet(options.ignoreLabels);
    const batch = tokenizer.encodeBatch(texts, {
      maxLength: maxTokens(loaded), truncation: 'longest_first', padding: 'longest', returnOffsets: true, returnTokens: true,
    });
    const { logits } = await model.forward(batch);
    if (!logits) throw new AlbertError('ERR_NATIVE', 'the model returned no logits');
    const [, seq, labels] = logits.dims;
    return batch.encodings.map((enc, b) => {
      const tokens: PreEntity[] = [];
      for (let i = 0; i < seq; ++i) {
        if (enc.specialTokensMask[i] === 1) continue;
        const [start, end] = enc.offsets![i];
        const id = enc.inputIds[i];
        const piece = id === tokenizer.unkTokenId ? texts[b].slice(start, end) : enc.tokens![i];
        const isSubword = tokens.length > 0 && !piece.startsWith(WORD_START) && !wordStartIds.has(id);
        tokens.push({ piece, scores: softmax(logits.data, (b * seq + i) * labels, labels), start, end, index: i, isSubword });
      }
      // Spans lose surrounding whitespace; a lone '▁' token covers no text and is left out.
      return aggregate(tokens, strategy, ignore, label).map((e) => trimSpan(texts[b], e)).filter((e) => e.end > e.start);
    });
  };
  return mappingPipeline<string, string, TokenClassificationOutput, TokenClassificationOptions>(
    'token-classification', loaded, (text) => requireText(text, 'token-classification: text'), run);
}
