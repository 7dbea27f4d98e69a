// Scoring answer spans in one window the way Hugging Face's QuestionAnsweringPipeline does:
// softmax of start and end logits over [CLS] + the context tokens, score = p(start) * p(end).
import type { Window } from './qa-windows';

/** A span of context tokens (indices into ContextTokens) and its score. */
export interface TokenSpan {
  first: number;
  last: number;
  score: number;
}

export interface WindowSpans {
  spans: TokenSpan[];
  /** p(start = [CLS]) * p(end = [CLS]): the "no answer" score. */
  nullScore: number;
}

/** Softmax over position 0 ([CLS]) and the window's context positions; other positions get 0. */
function probabilities(logits: Float32Array, w: Window): Float64Array {
  const positions = [0];
  for (let p = 0; p < w.count; ++p) positions.push(w.contextAt + p);
  let max = -Infinity;
  for (const p of positions) max = Math.max(max, logits[p]);
  const out = new Float64Array(w.ids.length);
  let sum = 0;
  for (const p of positions) {
    out[p] = Math.exp(logits[p] - max);
    sum += out[p];
  }
  for (const p of positions) out[p] /= sum;
  return out;
}

/**
 * The `topK` best spans of the window with start <= end < start + maxAnswerLength, both in
 * the context; best first, ties to the earlier span.
 */
export function bestSpans(start: Float32Array, end: Float32Array, w: Window, topK: number, maxAnswerLength: number): WindowSpans {
  const ps = probabilities(start, w);
  const pe = probabilities(end, w);
  const nullScore = ps[0] * pe[0];
  const spans: TokenSpan[] = [];
  for (let s = 0; s < w.count; ++s) {
    const pStart = ps[w.contextAt + s];
    for (let e = s; e < Math.min(w.count, s + maxAnswerLength); ++e) {
      const score = pStart * pe[w.contextAt + e];
      if (spans.length === topK && score <= spans[topK - 1].score) continue;
      let at = spans.length;
      while (at > 0 && spans[at - 1].score < score) --at;
      spans.splice(at, 0, { first: w.first + s, last: w.first + e, score });
      if (spans.length > topK) spans.pop();
    }
  }
  return { spans, nullScore };
}
