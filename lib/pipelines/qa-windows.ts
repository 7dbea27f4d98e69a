// Question answering inputs: [CLS] question [SEP] context-window [SEP], with long contexts
// split into overlapping windows (Hugging Face's only_second truncation with a stride).
import { AlbertError } from '../errors';
import type { AlbertTokenizer } from '../tokenizer/albert-tokenizer';

/** The context tokenized once, with offsets into the context string. */
export interface ContextTokens {
  ids: number[];
  offsets: Array<[number, number]>;
  /** Index of the first token of the word each token belongs to. */
  wordStart: number[];
  /** Index of the last token of the word each token belongs to. */
  wordEnd: number[];
}

/** One model input row. */
export interface Window {
  /** Which question/context pair this window belongs to. */
  item: number;
  ids: number[];
  /** Position in `ids` of the first context token. */
  contextAt: number;
  /** Index in ContextTokens of the first context token of this window. */
  first: number;
  /** Number of context tokens in this window. */
  count: number;
}

const WORD_START = '\u2581';

/** Tokenizes the context and records word boundaries ('▁' starts a word, as Metaspace pre-tokenization does). */
export function tokenizeContext(tokenizer: AlbertTokenizer, context: string): ContextTokens {
  const enc = tokenizer.encode(context, null, { addSpecialTokens: false, returnOffsets: true, returnTokens: true });
  const n = enc.inputIds.length;
  const startsWord = enc.tokens!.map((t, i) => i === 0 || t.startsWith(WORD_START) || enc.inputIds[i] === tokenizer.maskTokenId);
  const wordStart = new Array<number>(n);
  const wordEnd = new Array<number>(n);
  for (let i = 0; i < n; ++i) wordStart[i] = startsWord[i] ? i : wordStart[i - 1];
  for (let i = n - 1; i >= 0; --i) wordEnd[i] = i + 1 < n && !startsWord[i + 1] ? wordEnd[i + 1] : i;
  return { ids: enc.inputIds, offsets: enc.offsets!, wordStart, wordEnd };
}

/**
 * Windows over the context: each holds up to maxSeqLen tokens in all, consecutive windows
 * share `docStride` context tokens.
 */
export function makeWindows(
  tokenizer: AlbertTokenizer, item: number, question: number[], context: ContextTokens, maxSeqLen: number, docStride: number,
): Window[] {
  const room = maxSeqLen - question.length - 3;
  if (room < 1) {
    const tokens = `${question.length} token${question.length === 1 ? '' : 's'}`;
    throw new AlbertError('ERR_INPUT', `question-answering: the question (${tokens}) leaves no room for the context in maxSeqLen ${maxSeqLen} (it takes the question, 3 special tokens and at least 1 context token)`);
  }
  const n = context.ids.length;
  if (n > room && docStride >= room) {
    throw new AlbertError('ERR_INPUT', `question-answering: docStride ${docStride} must be less than the ${room} context tokens a window holds (maxSeqLen ${maxSeqLen} minus the question and special tokens)`);
  }
  const windows: Window[] = [];
  for (let first = 0; ; first += room - docStride) {
    const count = Math.min(room, n - first);
    const ids = [tokenizer.clsTokenId, ...question, tokenizer.sepTokenId, ...context.ids.slice(first, first + count), tokenizer.sepTokenId];
    windows.push({ item, ids, contextAt: question.length + 2, first, count });
    if (first + count >= n) break;
  }
  return windows;
}

/** Right-padded [windows, seq] tensors for forward(); token type 1 from the context on. */
export function windowTensors(windows: Window[], padId: number) {
  const seq = windows.reduce((m, w) => Math.max(m, w.ids.length), 0);
  const dims: [number, number] = [windows.length, seq];
  const inputIds = new Int32Array(windows.length * seq).fill(padId);
  const attentionMask = new Int32Array(windows.length * seq);
  const tokenTypeIds = new Int32Array(windows.length * seq);
  windows.forEach((w, b) => {
    inputIds.set(w.ids, b * seq);
    attentionMask.fill(1, b * seq, b * seq + w.ids.length);
    tokenTypeIds.fill(1, b * seq + w.contextAt, b * seq + w.ids.length);
  });
  return { inputIds: { data: inputIds, dims }, attentionMask: { data: attentionMask, dims }, tokenTypeIds: { data: tokenTypeIds, dims } };
}
