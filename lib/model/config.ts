// config.json -> a validated, camelCased AlbertConfig with Hugging Face's defaults.
import { AlbertError } from '../errors';
import type { AlbertHead } from './heads';

export type HiddenAct =
  | 'gelu' | 'gelu_python' | 'gelu_new' | 'gelu_pytorch_tanh' | 'gelu_fast' | 'quick_gelu'
  | 'relu' | 'silu' | 'swish' | 'tanh' | 'linear';
export type PositionEmbeddingType = 'absolute' | 'relative_key' | 'relative_key_query';

/** The fields of Hugging Face's `AlbertConfig`, camelCased. `raw` is config.json as read. */
export interface AlbertConfig {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numHiddenGroups: number;
  numAttentionHeads: number;
  intermediateSize: number;
  innerGroupNum: number;
  hiddenAct: HiddenAct;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  positionEmbeddingType: PositionEmbeddingType;
  padTokenId: number;
  bosTokenId: number;
  eosTokenId: number;
  architectures: string[];
  /** Number of labels: the size of `id2label` when present, else `num_labels`, else 2. */
  numLabels: number;
  id2label: Record<number, string>;
  label2id: Record<string, number>;
  problemType: 'regression' | 'single_label_classification' | 'multi_label_classification' | null;
  raw: Record<string, unknown>;
}

const ACTIVATIONS: readonly string[] = [
  'gelu', 'gelu_python', 'gelu_new', 'gelu_pytorch_tanh', 'gelu_fast', 'quick_gelu',
  'relu', 'silu', 'swish', 'tanh', 'linear',
];
const POSITION_TYPES: readonly string[] = ['absolute', 'relative_key', 'relative_key_query'];

function fail(file: string, message: string): never {
  throw new AlbertError('ERR_CONFIG', `${file}: ${message}`);
}

const MAX_HIDDEN_LAYERS = 1024;

function integer(raw: Record<string, unknown>, key: string, fallback: number, file: string, min = 1): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(file, `field "${key}" must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function labels(raw: Record<string, unknown>, file: string): { id2label: Record<number, string>; numLabels: number } {
  const map = raw.id2label;
  if (map === undefined || map === null) {
    return { id2label: {}, numLabels: integer(raw, 'num_labels', 2, file) };
  }
  if (typeof map !== 'object' || Array.isArray(map)) fail(file, 'field "id2label" must be an object');
  const id2label: Record<number, string> = {};
  for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || typeof value !== 'string') fail(file, `bad id2label entry ${key}: ${JSON.stringify(value)}`);
    id2label[id] = value;
  }
  return { id2label, numLabels: Object.keys(id2label).length };
}

/** Validates a parsed config.json; `file` names it in errors. */
export function parseConfig(raw: unknown, file: string): AlbertConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, 'expected a JSON object');
  const r = raw as Record<string, unknown>;
  if (r.model_type !== undefined && r.model_type !== 'albert') fail(file, `model_type is "${String(r.model_type)}", not "albert"`);
  const hiddenAct = r.hidden_act ?? 'gelu_new';
  if (typeof hiddenAct !== 'string' || !ACTIVATIONS.includes(hiddenAct)) {
    fail(file, `unknown hidden_act ${JSON.stringify(hiddenAct)} (supported: ${ACTIVATIONS.join(', ')})`);
  }
  const positionType = r.position_embedding_type ?? 'absolute';
  if (typeof positionType !== 'string' || !POSITION_TYPES.includes(positionType)) {
    fail(file, `unknown position_embedding_type ${JSON.stringify(positionType)}`);
  }
  const eps = r.layer_norm_eps ?? 1e-12;
  if (typeof eps !== 'number' || !(eps > 0)) fail(file, `field "layer_norm_eps" must be a positive number`);
  const architectures = r.architectures ?? [];
  if (!Array.isArray(architectures) || architectures.some((a) => typeof a !== 'string')) fail(file, 'field "architectures" must be an array of strings');
  const problemType = (r.problem_type ?? null) as AlbertConfig['problemType'];

  const config: AlbertConfig = {
    vocabSize: integer(r, 'vocab_size', 30000, file),
    embeddingSize: integer(r, 'embedding_size', 128, file),
    hiddenSize: integer(r, 'hidden_size', 4096, file),
    numHiddenLayers: integer(r, 'num_hidden_layers', 12, file),
    numHiddenGroups: integer(r, 'num_hidden_groups', 1, file),
    numAttentionHeads: integer(r, 'num_attention_heads', 64, file),
    intermediateSize: integer(r, 'intermediate_size', 16384, file),
    innerGroupNum: integer(r, 'inner_group_num', 1, file),
    hiddenAct: hiddenAct as HiddenAct,
    maxPositionEmbeddings: integer(r, 'max_position_embeddings', 512, file),
    typeVocabSize: integer(r, 'type_vocab_size', 2, file),
    layerNormEps: eps,
    positionEmbeddingType: positionType as PositionEmbeddingType,
    padTokenId: integer(r, 'pad_token_id', 0, file, 0),
    bosTokenId: integer(r, 'bos_token_id', 2, file, 0),
    eosTokenId: integer(r, 'eos_token_id', 3, file, 0),
    architectures: architectures as string[],
    ...labels(r, file),
    label2id: (r.label2id ?? {}) as Record<string, number>,
    problemType,
    raw: r,
  };
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    fail(file, `hidden_size ${config.hiddenSize} is not a multiple of num_attention_heads ${config.numAttentionHeads}`);
  }
  // Every layer runs in every forward. Real ALBERTs have 12-24 (the paper's deepest, 48): a count
  // in the millions is a damaged file, and would make each forward run for hours.
  if (config.numHiddenLayers > MAX_HIDDEN_LAYERS) {
    fail(file, `num_hidden_layers ${config.numHiddenLayers} is more than ${MAX_HIDDEN_LAYERS}`);
  }
  if (config.numHiddenGroups > config.numHiddenLayers) {
    fail(file, `num_hidden_groups ${config.numHiddenGroups} exceeds num_hidden_layers ${config.numHiddenLayers}`);
  }
  return config;
}

/** The group index layer i uses, exactly as HF computes it. */
export function groupOfLayer(config: AlbertConfig, layer: number): number {
  return Math.floor(layer / (config.numHiddenLayers / config.numHiddenGroups));
}

/** The engine-facing subset of the config (see native/model/config.h). */
export function nativeConfig(config: AlbertConfig, head: AlbertHead): Record<string, number | string> {
  return {
    vocabSize: config.vocabSize,
    embeddingSize: config.embeddingSize,
    hiddenSize: config.hiddenSize,
    numHiddenLayers: config.numHiddenLayers,
    numHiddenGroups: config.numHiddenGroups,
    innerGroupNum: config.innerGroupNum,
    numAttentionHeads: config.numAttentionHeads,
    intermediateSize: config.intermediateSize,
    maxPositionEmbeddings: config.maxPositionEmbeddings,
    typeVocabSize: config.typeVocabSize,
    numLabels: config.numLabels,
    layerNormEps: config.layerNormEps,
    hiddenAct: config.hiddenAct,
    positionEmbeddingType: config.positionEmbeddingType,
    head,
  };
}
