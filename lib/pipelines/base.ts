// The callable object every pipeline is, plus input/option checks the tasks share.
import { AlbertError } from '../errors';
import type { AlbertModel } from '../model/albert-model';
import type { AlbertTokenizer } from '../tokenizer/albert-tokenizer';
import type { Loaded } from './load';

/** The task names `pipeline()` accepts. */
export type PipelineTask =
  | 'fill-mask'
  | 'text-classification'
  | 'token-classification'
  | 'question-answering'
  | 'feature-extraction'
  | 'sentence-order'
  | 'multiple-choice';

/** What every pipeline has besides being callable. */
export interface PipelineBase {
  readonly task: PipelineTask;
  readonly model: AlbertModel;
  readonly tokenizer: AlbertTokenizer;
  /** Frees the model's native memory now (calls already running finish first). */
  dispose(): void;
}

/** Options every pipeline call takes. */
export interface BatchOptions {
  /** Inputs per forward() when the call gets an array (default 32); chunks run one after another. */
  batchSize?: number;
}

/** A pipeline mapping each input to one output; an array of inputs gives an array of outputs, in order. */
export interface MappingPipeline<In, Out, Options> extends PipelineBase {
  (input: In, options?: Options): Promise<Out>;
  (inputs: readonly In[], options?: Options): Promise<Out[]>;
}

/** Attaches task, model, tokenizer and dispose() to a call function. */
export function withBase<F extends object>(call: F, task: PipelineTask, loaded: Loaded): F & PipelineBase {
  const base: PipelineBase = {
    task,
    model: loaded.model,
    tokenizer: loaded.tokenizer,
    dispose: () => loaded.model.dispose(),
  };
  for (const [key, value] of Object.entries(base)) {
    Object.defineProperty(call, key, { value, enumerable: true });
  }
  return call as F & PipelineBase;
}

/**
 * Builds a MappingPipeline from `check`, which validates one public input and turns it into
 * the item `run` takes, and `run`, which handles one chunk (at most batchSize items, never
 * empty) with one forward. Every input is checked before anything runs.
 */
export function mappingPipeline<In, Item, Out, Options extends BatchOptions>(
  task: PipelineTask,
  loaded: Loaded,
  check: (input: unknown) => Item,
  run: (items: Item[], options: Options) => Promise<Out[]>,
): MappingPipeline<In, Out, Options> {
  const call = async (input: In | readonly In[], options?: Options): Promise<Out | Out[]> => {
    const opts = checkOptions<Options>(task, options);
    const many = Array.isArray(input);
    const items = (many ? (input as readonly unknown[]) : [input]).map(check);
    const size = positiveInt(opts.batchSize, 'batchSize', 32);
    const outputs: Out[] = [];
    for (let i = 0; i < items.length; i += size) outputs.push(...await run(items.slice(i, i + size), opts));
    return many ? outputs : outputs[0];
  };
  return withBase(call as MappingPipeline<In, Out, Options>, task, loaded);
}

export function checkOptions<Options>(task: string, options: unknown): Options {
  if (options === undefined || options === null) return {} as Options;
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${task}: options must be an object`);
  return options as Options;
}

/** `value` must be a string; TypeError otherwise, naming `what`. */
export function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${describeType(value)}`);
  return value;
}

/** `value` must be a plain object (not an array); TypeError otherwise. */
export function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object, got ${describeType(value)}`);
  }
  return value as Record<string, unknown>;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** An integer option >= min, or `fallback` when undefined. */
export function positiveInt(value: unknown, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new AlbertError('ERR_INPUT', `option ${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** One of `allowed`, or `fallback` when undefined. */
export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new AlbertError('ERR_INPUT', `option ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** The longest sequence the model and tokenizer both accept. */
export function maxTokens(loaded: Loaded): number {
  return Math.min(loaded.tokenizer.modelMaxLength, loaded.model.config.maxPositionEmbeddings);
}

/** The label name of class `i`: config id2label, else HF's default LABEL_i. */
export function labelOf(loaded: Loaded, i: number): string {
  return loaded.model.config.id2label[i] ?? `LABEL_${i}`;
}

/**
 * Moves start/end inward past whitespace: a bare '▁' piece (SentencePiece's word marker
 * standing alone) covers the space before its word.
 */
export function trimSpan<T extends { start: number; end: number }>(text: string, span: T): T {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start])) ++start;
  while (end > start && /\s/.test(text[end - 1])) --end;
  return start === span.start && end === span.end ? span : { ...span, start, end };
}
