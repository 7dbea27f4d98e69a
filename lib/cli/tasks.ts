// The task subcommands: how each turns arguments / JSONL values into pipeline inputs and options.
import type { PipelineTask } from '../pipelines/base';
import type { Tensor } from '../model/tensor';
import { UsageError, type OptionSpec } from './args';

type Flags = Record<string, string | number | boolean>;

export interface TaskCommand {
  name: string;
  task: PipelineTask;
  summary: string;
  /** Arguments after the model folder. */
  args: string;
  /** What one JSONL input line holds. */
  jsonInput: string;
  options: OptionSpec[];
  callOptions(flags: Flags): Record<string, unknown>;
  /** Pipeline inputs from positional arguments (after the model folder). */
  fromArgs(positionals: string[], flags: Flags): unknown[];
  /** A pipeline input from one JSONL value; throws with a message for bad values. */
  fromJson(value: unknown): unknown;
  toJson(result: unknown): unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.text === 'string') return value.text;
  throw new TypeError('expected a JSON string or {"text": "..."}');
}

function list(value: string | number | boolean | undefined): string[] | undefined {
  return typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
}

const identity = (result: unknown) => result;
const topK: OptionSpec = { name: 'top-k', kind: 'integer', value: 'N', description: 'results to return' };

const fillMask: TaskCommand = {
  name: 'fill-mask',
  task: 'fill-mask',
  summary: 'the most likely tokens at each [MASK]',
  args: '[TEXT...]',
  jsonInput: '"text with [MASK]" or {"text": "..."}',
  options: [
    { ...topK, description: 'candidates per mask (default 5)' },
    { name: 'targets', kind: 'string', value: 'A,B', description: 'only score these tokens (comma-separated)' },
  ],
  callOptions: (f) => ({ topK: f['top-k'], targets: list(f.targets) }),
  fromArgs: (p) => p,
  fromJson: text,
  toJson: identity,
};

const classify: TaskCommand = {
  name: 'classify',
  task: 'text-classification',
  summary: 'text (or text pair) classification',
  args: '[TEXT...]',
  jsonInput: '"text" or {"text": "...", "textPair": "..."}',
  options: [
    { name: 'top-k', kind: 'string', value: 'N|all', description: 'labels to return (default 1)' },
    { name: 'function', kind: 'string', value: 'F', choices: ['softmax', 'sigmoid', 'none'], description: 'softmax, sigmoid or none (default: from problem_type)' },
    { name: 'pair', kind: 'string', value: 'TEXT', description: 'second text, paired with each TEXT argument' },
  ],
  callOptions: (f) => {
    const k = f['top-k'];
    if (k !== undefined && k !== 'all' && !/^[1-9]\d*$/.test(String(k))) throw new UsageError(`--top-k needs an integer or 'all', got ${JSON.stringify(k)}`);
    return { topK: k === 'all' ? null : k === undefined ? undefined : Number(k), functionToApply: f.function };
  },
  fromArgs: (p, f) => p.map((t) => (typeof f.pair === 'string' ? { text: t, textPair: f.pair } : t)),
  fromJson: (value) => {
    if (typeof value === 'string') return value;
    if (!isObject(value) || typeof value.text !== 'string') throw new TypeError('expected a JSON string or {"text": "...", "textPair": "..."}');
    const pair = value.textPair ?? value.text_pair;
    return pair === undefined ? value.text : { text: value.text, textPair: pair };
  },
  toJson: identity,
};

const ner: TaskCommand = {
  name: 'ner',
  task: 'token-classification',
  summary: 'token classification (named entities), with character offsets',
  args: '[TEXT...]',
  jsonInput: '"text" or {"text": "..."}',
  options: [
    { name: 'aggregation', kind: 'string', value: 'S', choices: ['none', 'simple', 'first', 'average', 'max'], description: 'none, simple, first, average or max (default none)' },
    { name: 'ignore-labels', kind: 'string', value: 'A,B', description: "labels to leave out (default O; '' keeps all)" },
  ],
  callOptions: (f) => ({ aggregationStrategy: f.aggregation, ignoreLabels: typeof f['ignore-labels'] === 'string' ? list(f['ignore-labels']) : undefined }),
  fromArgs: (p) => p,
  fromJson: text,
  toJson: identity,
};

const qa: TaskCommand = {
  name: 'qa',
  task: 'question-answering',
  summary: 'extractive question answering',
  args: '[QUESTION CONTEXT]',
  jsonInput: '{"question": "...", "context": "..."}',
  options: [
    { name: 'question', kind: 'string', value: 'TEXT', description: 'the question (instead of the positional one)' },
    { name: 'context', kind: 'string', value: 'TEXT', description: 'the context (instead of the positional one)' },
    { ...topK, description: 'answers to return (default 1)' },
    { name: 'doc-stride', kind: 'integer', value: 'N', min: 0, description: 'tokens shared by the windows of a long context' },
    { name: 'max-answer-length', kind: 'integer', value: 'N', description: 'longest answer in tokens (default 15)' },
    { name: 'max-seq-len', kind: 'integer', value: 'N', description: 'tokens per window (default min(384, model maximum))' },
    { name: 'handle-impossible', kind: 'boolean', description: 'allow the empty "no answer" answer' },
  ],
  callOptions: (f) => ({
    topK: f['top-k'], docStride: f['doc-stride'], maxAnswerLength: f['max-answer-length'], maxSeqLen: f['max-seq-len'],
    handleImpossibleAnswer: f['handle-impossible'] === true,
  }),
  fromArgs: (p, f) => {
    const question = typeof f.question === 'string' ? f.question : p.shift();
    const context = typeof f.context === 'string' ? f.context : p.shift();
    if (question === undefined && context === undefined) return [];
    if (question === undefined || context === undefined || p.length > 0) throw new UsageError('qa takes one QUESTION and one CONTEXT');
    return [{ question, context }];
  },
  fromJson: (value) => {
    if (!isObject(value) || typeof value.question !== 'string' || typeof value.context !== 'string') {
      throw new TypeError('expected {"question": "...", "context": "..."}');
    }
    return { question: value.question, context: value.context };
  },
  toJson: identity,
};

/** A [1, hidden] tensor as one array, a [1, seq, hidden] tensor as an array of rows. */
function tensorToJson(result: unknown): unknown {
  const { data, dims } = result as Tensor;
  if (dims.length === 2) return Array.from(data);
  const width = dims[2];
  return Array.from({ length: dims[1] }, (_, t) => Array.from(data.subarray(t * width, (t + 1) * width)));
}

const embed: TaskCommand = {
  name: 'embed',
  task: 'feature-extraction',
  summary: 'embeddings (one vector per text, or per token with --pooling none)',
  args: '[TEXT...]',
  jsonInput: '"text" or {"text": "..."}',
  options: [
    { name: 'pooling', kind: 'string', value: 'P', choices: ['mean', 'cls', 'none'], description: 'mean, cls or none (default mean)' },
    { name: 'normalize', kind: 'boolean', description: 'scale vectors to unit length' },
  ],
  callOptions: (f) => ({ pooling: f.pooling ?? 'mean', normalize: f.normalize === true }),
  fromArgs: (p) => p,
  fromJson: text,
  toJson: tensorToJson,
};

export const TASK_COMMANDS: readonly TaskCommand[] = [fillMask, classify, ner, qa, embed];
