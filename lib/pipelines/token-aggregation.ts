// Hugging Face's TokenClassificationPipeline post-processing: per-token entities, word
// aggregation (first / average / max) and B-/I- grouping into entity groups.
import { argmax } from './math';

export type AggregationStrategy = 'none' | 'simple' | 'first' | 'average' | 'max';

/** One real (non-special, non-padding) token with its class probabilities. */
export interface PreEntity {
  /** The SentencePiece piece ('▁' marks a word start); for <unk>, the input text it stands for. */
  piece: string;
  scores: Float64Array;
  start: number;
  end: number;
  index: number;
  /** Continues the previous token's word (SentencePiece piece without the '▁' word-start marker). */
  isSubword: boolean;
}

/** A token with its most likely label (aggregationStrategy 'none'). */
export interface TokenEntity {
  entity: string;
  score: number;
  /** Position of the token in the model input (0 is [CLS]). */
  index: number;
  word: string;
  /** [start, end) UTF-16 offsets into the input text. */
  start: number;
  end: number;
}

/** Adjacent tokens or words with the same entity type merged (every other strategy). */
export interface EntityGroup {
  entityGroup: string;
  /** Mean score of the merged tokens / words. */
  score: number;
  word: string;
  start: number;
  end: number;
}

/** Class index -> label name. */
export type LabelOf = (i: number) => string;

/** HF convert_tokens_to_string for SentencePiece: concatenate, '▁' becomes a space, trim. */
function piecesToText(pieces: string[]): string {
  return pieces.join('').replace(/\u2581/g, ' ').trim();
}

interface Scored {
  entity: string;
  score: number;
  pieces: string[];
  start: number;
  end: number;
}

/** 'B-PER' -> ['B', 'PER']; a label without B-/I- counts as a continuation ('I'). */
function tag(entity: string): [string, string] {
  if (entity.startsWith('B-')) return ['B', entity.slice(2)];
  if (entity.startsWith('I-')) return ['I', entity.slice(2)];
  return ['I', entity];
}

function aggregateWord(tokens: PreEntity[], strategy: 'first' | 'average' | 'max', label: LabelOf): Scored {
  let scores: ArrayLike<number>;
  if (strategy === 'first') {
    scores = tokens[0].scores;
  } else if (strategy === 'max') {
    scores = tokens.reduce((best, t) => (Math.max(...t.scores) > Math.max(...best.scores) ? t : best)).scores;
  } else {
    const mean = new Float64Array(tokens[0].scores.length);
    for (const t of tokens) t.scores.forEach((s, i) => { mean[i] += s / tokens.length; });
    scores = mean;
  }
  const best = argmax(scores);
  const pieces = tokens.map((t) => t.piece);
  return { entity: label(best), score: scores[best], pieces, start: tokens[0].start, end: tokens[tokens.length - 1].end };
}

/** Splits tokens into words (a word starts at every non-subword token) and scores each word. */
function aggregateWords(tokens: PreEntity[], strategy: 'first' | 'average' | 'max', label: LabelOf): Scored[] {
  const words: Scored[] = [];
  let group: PreEntity[] = [];
  for (const t of tokens) {
    if (group.length > 0 && !t.isSubword) {
      words.push(aggregateWord(group, strategy, label));
      group = [];
    }
    group.push(t);
  }
  if (group.length > 0) words.push(aggregateWord(group, strategy, label));
  return words;
}

function groupOf(parts: Scored[]): EntityGroup {
  return {
    entityGroup: tag(parts[0].entity)[1],
    score: parts.reduce((s, p) => s + p.score, 0) / parts.length,
    word: piecesToText(parts.flatMap((p) => p.pieces)),
    start: parts[0].start,
    end: parts[parts.length - 1].end,
  };
}

/** HF group_entities: a part joins the open group when it has the same type and is not a B-. */
function groupEntities(parts: Scored[]): EntityGroup[] {
  const groups: EntityGroup[] = [];
  let open: Scored[] = [];
  for (const part of parts) {
    const [bi, type] = tag(part.entity);
    if (open.length > 0 && !(type === tag(open[open.length - 1].entity)[1] && bi !== 'B')) {
      groups.push(groupOf(open));
      open = [];
    }
    open.push(part);
  }
  if (open.length > 0) groups.push(groupOf(open));
  return groups;
}

/** Applies `strategy` to the tokens of one text and drops entities whose label is ignored. */
export function aggregate(
  tokens: PreEntity[], strategy: AggregationStrategy, ignore: ReadonlySet<string>, label: LabelOf,
): Array<TokenEntity | EntityGroup> {
  if (strategy === 'none') {
    return tokens
      .map((t): TokenEntity => {
        const best = argmax(t.scores);
        return { entity: label(best), score: t.scores[best], index: t.index, word: piecesToText([t.piece]), start: t.start, end: t.end };
      })
      .filter((e) => !ignore.has(e.entity));
  }
  const parts = strategy === 'simple'
    ? tokens.map((t): Scored => {
      const best = argmax(t.scores);
      return { entity: label(best), score: t.scores[best], pieces: [t.piece], start: t.start, end: t.end };
    })
    : aggregateWords(tokens, strategy, label);
  return groupEntities(parts).filter((g) => !ignore.has(g.entityGroup));
}
