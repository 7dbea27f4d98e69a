// question-answering: extract the answer span from a context (HF's QuestionAnsweringPipeline).
import { AlbertError } from '../errors';
import {
  mappingPipeline, maxTokens, positiveInt, requireObject, requireText, trimSpan, type BatchOptions, type MappingPipeline,
} from './base';
import type { Loaded } from './load';
import { bestSpans, type TokenSpan } from './qa-spans';
import { makeWindows, tokenizeContext, windowTensors, type ContextTokens, type Window } from './qa-windows';

export interface QuestionAnsweringInput {
  question: string;
  context: string;
}

export interface QuestionAnsweringOptions extends BatchOptions {
  /** Answers to return (default 1: a single object; more: an array, best first). */
  topK?: number;
  /** Context tokens shared by consecutive windows of a long context (default min(128, maxSeqLen / 2)). */
  docStride?: number;
  /** Longest answer, in tokens (default 15). */
  maxAnswerLength?: number;
  /** Tokens per window, question and special tokens included (default min(384, the model's maximum)). */
  maxSeqLen?: number;
  /** Also consider "no answer" ({ answer: '', start: 0, end: 0 }) with the [CLS] score (default false). */
  handleImpossibleAnswer?: boolean;
}

export interface QuestionAnsweringResult {
  /** context.slice(start, end): whole words, as HF's fast tokenizers align answers. */
  answer: string;
  /** p(start) * p(end) within the window the span was found in. */
  score: number;
  /** [start, end) UTF-16 offsets into the context. */
  start: number;
  end: number;
}

export type QuestionAnsweringOutput = QuestionAnsweringResult | QuestionAnsweringResult[];

export type QuestionAnsweringPipeline = MappingPipeline<QuestionAnsweringInput, QuestionAnsweringOutput, QuestionAnsweringOptions>;

interface Item {
  question: number[];
  context: string;
  tokens: ContextTokens;
}

function toResult(item: Item, span: TokenSpan): QuestionAnsweringResult {
  const { offsets, wordStart, wordEnd } = item.tokens;
  const { start, end } = trimSpan(item.context, { start: offsets[wordStart[span.first]][0], end: offsets[wordEnd[span.last]][1] });
  return { answer: item.context.slice(start, end), score: span.score, start, end };
}

/** All windows' candidates for one item, merged: best score per character span, best first. */
function collect(item: Item, found: Array<{ spans: TokenSpan[]; nullScore: number }>, topK: number, impossible: boolean): QuestionAnsweringResult[] {
  const bySpan = new Map<string, QuestionAnsweringResult>();
  for (const { spans } of found) {
    for (const span of spans) {
      const r = toResult(item, span);
      const key = `${r.start}:${r.end}`;
      if ((bySpan.get(key)?.score ?? -1) < r.score) bySpan.set(key, r);
    }
  }
  const results = [...bySpan.values()];
  if (impossible) {
    results.push({ answer: '', score: Math.min(...found.map((f) => f.nullScore)), start: 0, end: 0 });
  }
  return results.sort((a, b) => b.score - a.score || a.start - b.start || a.end - b.end).slice(0, topK);
}

/** Builds the question-answering pipeline on a loaded question-answering model. */
export function questionAnsweringPipeline(loaded: Loaded): QuestionAnsweringPipeline {
  const { model, tokenizer } = loaded;
  const check = (input: unknown): Item => {
    const o = requireObject(input, 'question-answering: input ({ question, context })');
    const question = requireText(o.question, 'question-answering: question');
    const context = requireText(o.context, 'question-answering: context');
    const tokens = tokenizeContext(tokenizer, context);
    if (tokens.ids.length === 0) throw new AlbertError('ERR_INPUT', 'question-answering: the context is empty');
    return { question: tokenizer.encode(question, null, { addSpecialTokens: false }).inputIds, context, tokens };
  };
  const run = async (items: Item[], options: QuestionAnsweringOptions): Promise<QuestionAnsweringOutput[]> => {
    const topK = positiveInt(options.topK, 'topK', 1);
    const maxAnswerLength = positiveInt(options.maxAnswerLength, 'maxAnswerLength', 15);
    const maxSeqLen = Math.min(positiveInt(options.maxSeqLen, 'maxSeqLen', 384), maxTokens(loaded));
    const docStride = positiveInt(options.docStride, 'docStride', Math.min(128, Math.floor(maxSeqLen / 2)), 0);
    const windows: Window[] = items.flatMap((item, i) => makeWindows(tokenizer, i, item.question, item.tokens, maxSeqLen, docStride));
    const output = await model.forward(windowTensors(windows, tokenizer.padTokenId));
    if (!output.startLogits || !output.endLogits) throw new AlbertError('ERR_NATIVE', 'the model returned no start/end logits');
    const seq = output.startLogits.dims[1];
    const found = items.map(() => [] as Array<{ spans: TokenSpan[]; nullScore: number }>);
    windows.forEach((w, b) => {
      const row = (t: Float32Array) => t.subarray(b * seq, (b + 1) * seq);
      // Extra candidates per window: several token spans can widen to the same word span.
      found[w.item].push(bestSpans(row(output.startLogits!.data), row(output.endLogits!.data), w, topK * 4, maxAnswerLength));
    });
    return items.map((item, i) => {
      const results = collect(item, found[i], topK, options.handleImpossibleAnswer === true);
      return topK === 1 ? results[0] : results;
    });
  };
  return mappingPipeline<QuestionAnsweringInput, Item, QuestionAnsweringOutput, QuestionAnsweringOptions>('question-answering', loaded, check, run);
}
