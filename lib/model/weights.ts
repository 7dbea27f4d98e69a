// Maps a checkpoint's tensors to what the engine needs: HF names with or without the
// "albert." prefix, the tied MLM decoder, the legacy int64 position_ids buffer, and a
// shape check of every tensor against the config before anything is handed to native code.
import { AlbertError } from '../errors';
import type { NativeTensorSpec } from '../native';
import type { AlbertConfig } from './config';
import { headHasPooler, type AlbertHead } from './heads';
import type { StoredTensor, TensorFile } from './tensor-file';

type Shape = number[];

type Entry = [name: string, shape: Shape];

function* linear(name: string, outFeatures: number, inFeatures: number): Generator<Entry> {
  yield [`${name}.weight`, [outFeatures, inFeatures]];
  yield [`${name}.bias`, [outFeatures]];
}

function* layerNorm(name: string, width: number): Generator<Entry> {
  yield [`${name}.weight`, [width]];
  yield [`${name}.bias`, [width]];
}

/**
 * Every tensor (name without "albert.", shape) the engine reads for this config and head, in
 * the order the checkpoint lays them out. Listed lazily, so a reader that stops at the first
 * missing tensor never spells out the rest (a damaged inner_group_num of 10^9 took minutes).
 */
export function* expectedTensors(config: AlbertConfig, head: AlbertHead): Generator<Entry> {
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, intermediateSize: F } = config;
  yield ['embeddings.word_embeddings.weight', [V, E]];
  yield ['embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, E]];
  yield ['embeddings.token_type_embeddings.weight', [config.typeVocabSize, E]];
  yield* layerNorm('embeddings.LayerNorm', E);
  yield* linear('encoder.embedding_hidden_mapping_in', H, E);
  for (let g = 0; g < config.numHiddenGroups; ++g) {
    for (let i = 0; i < config.innerGroupNum; ++i) {
      const p = `encoder.albert_layer_groups.${g}.albert_layers.${i}`;
      for (const part of ['query', 'key', 'value', 'dense']) yield* linear(`${p}.attention.${part}`, H, H);
      yield* layerNorm(`${p}.attention.LayerNorm`, H);
      if (config.positionEmbeddingType !== 'absolute') {
        yield [`${p}.attention.distance_embedding.weight`, [2 * config.maxPositionEmbeddings - 1, H / config.numAttentionHeads]];
      }
      yield* linear(`${p}.ffn`, F, H);
      yield* linear(`${p}.ffn_output`, H, F);
      yield* layerNorm(`${p}.full_layer_layer_norm`, H);
    }
  }
  if (headHasPooler(head)) yield* linear('pooler', H, H);
  if (head === 'masked-lm' || head === 'pretraining') {
    yield* linear('predictions.dense', E, H);
    yield* layerNorm('predictions.LayerNorm', E);
    yield ['predictions.bias', [V]];
  }
  if (head === 'pretraining') yield* linear('sop_classifier.classifier', 2, H);
  if (head === 'sequence-classification' || head === 'token-classification') yield* linear('classifier', config.numLabels, H);
  if (head === 'question-answering') yield* linear('qa_outputs', 2, H);
  if (head === 'multiple-choice') yield* linear('classifier', 1, H);
}

function stripPrefix(name: string): string {
  return name.startsWith('albert.') ? name.slice('albert.'.length) : name;
}

// transformers < 4.31 saved the position_ids buffer; it must be 0..P-1 if present.
function checkPositionIds(tensor: StoredTensor, file: string): void {
  const fail = (why: string): never => {
    throw new AlbertError('ERR_WEIGHTS', `${file}: tensor "${tensor.name}" ${why}`);
  };
  if (tensor.dtype !== 'I64') fail(`has dtype ${tensor.dtype}, expected I64`);
  const d = tensor.data;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  for (let i = 0; i < d.byteLength / 8; ++i) {
    if (view.getBigInt64(i * 8, true) !== BigInt(i)) fail(`is not 0..P-1 at index ${i}`);
  }
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16']);

/** Selects and checks the tensors for the engine; throws AlbertError naming file and tensor. */
export function selectTensors(file: TensorFile, fileName: string, config: AlbertConfig, head: AlbertHead): NativeTensorSpec[] {
  const byName = new Map<string, StoredTensor>();
  for (const tensor of file.tensors.values()) {
    const name = stripPrefix(tensor.name);
    if (name === 'embeddings.position_ids') {
      checkPositionIds(tensor, fileName);
      continue;
    }
    if (!byName.has(name)) byName.set(name, tensor);
  }
  const specs: NativeTensorSpec[] = [];
  for (const [name, shape] of expectedTensors(config, head)) {
    const tensor = byName.get(name);
    if (!tensor) {
      throw new AlbertError('ERR_WEIGHTS', `${fileName}: missing tensor "${name}" (needed by head '${head}')`);
    }
    if (!FLOAT_DTYPES.has(tensor.dtype)) {
      throw new AlbertError('ERR_WEIGHTS', `${fileName}: tensor "${tensor.name}" has dtype ${tensor.dtype}; expected F32, F16 or BF16`);
    }
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new AlbertError('ERR_WEIGHTS', `${fileName}: tensor "${tensor.name}" has shape [${tensor.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    specs.push({ name, dtype: tensor.dtype as NativeTensorSpec['dtype'], shape, data: tensor.data });
  }
  return specs;
}
