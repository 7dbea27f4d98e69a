// Maps a checkpoint's tensors to what the engine needs: HF names with or without the
// "albert." prefix, the tied MLM decoder, the legacy int64 position_ids buffer, and a
// shape check of every tensor against the config before anything is handed to native code.
import { AlbertError } from '../errors';
import type { NativeTensorSpec } from '../native';
import type { AlbertConfig } from './config';
import { headHasPooler, type AlbertHead } from './heads';
import type { SafetensorsFile, SafetensorsTensor } from './safetensors';

type Shape = number[];

function linear(out: Map<string, Shape>, name: string, outFeatures: number, inFeatures: number): void {
  out.set(`${name}.weight`, [outFeatures, inFeatures]);
  out.set(`${name}.bias`, [outFeatures]);
}

function layerNorm(out: Map<string, Shape>, name: string, width: number): void {
  out.set(`${name}.weight`, [width]);
  out.set(`${name}.bias`, [width]);
}

function layerPrefix(group: number, inner: number): string {
  return `encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
}

/** Every tensor (name without "albert.", shape) the engine reads for this config and head. */
export function expectedTensors(config: AlbertConfig, head: AlbertHead): Map<string, Shape> {
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, intermediateSize: F } = config;
  const out = new Map<string, Shape>();
  out.set('embeddings.word_embeddings.weight', [V, E]);
  out.set('embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, E]);
  out.set('embeddings.token_type_embeddings.weight', [config.typeVocabSize, E]);
  layerNorm(out, 'embeddings.LayerNorm', E);
  linear(out, 'encoder.embedding_hidden_mapping_in', H, E);
  for (let g = 0; g < config.numHiddenGroups; ++g) {
    for (let i = 0; i < config.innerGroupNum; ++i) {
      const p = layerPrefix(g, i);
      for (const part of ['query', 'key', 'value', 'dense']) linear(out, `${p}.attention.${part}`, H, H);
      layerNorm(out, `${p}.attention.LayerNorm`, H);
      if (config.positionEmbeddingType !== 'absolute') {
        out.set(`${p}.attention.distance_embedding.weight`, [2 * config.maxPositionEmbeddings - 1, H / config.numAttentionHeads]);
      }
      linear(out, `${p}.ffn`, F, H);
      linear(out, `${p}.ffn_output`, H, F);
      layerNorm(out, `${p}.full_layer_layer_norm`, H);
    }
  }
  if (headHasPooler(head)) linear(out, 'pooler', H, H);
  if (head === 'masked-lm' || head === 'pretraining') {
    linear(out, 'predictions.dense', E, H);
    layerNorm(out, 'predictions.LayerNorm', E);
    out.set('predictions.bias', [V]);
  }
  if (head === 'pretraining') linear(out, 'sop_classifier.classifier', 2, H);
  if (head === 'sequence-classification' || head === 'token-classification') linear(out, 'classifier', config.numLabels, H);
  if (head === 'question-answering') linear(out, 'qa_outputs', 2, H);
  if (head === 'multiple-choice') linear(out, 'classifier', 1, H);
  return out;
}

function stripPrefix(name: string): string {
  return name.startsWith('albert.') ? name.slice('albert.'.length) : name;
}

// transformers < 4.31 saved the position_ids buffer; it must be 0..P-1 if present.
function checkPositionIds(tensor: SafetensorsTensor, file: string): void {
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
export function selectTensors(file: SafetensorsFile, fileName: string, config: AlbertConfig, head: AlbertHead): NativeTensorSpec[] {
  const byName = new Map<string, SafetensorsTensor>();
  for (const tensor of file.tensors.values()) {
    const name = stripPrefix(tensor.name);
    if (name === 'embeddings.position_ids') {
      checkPositionIds(tensor, fileName);
      continue;
    }
    if (!byName.has(name)) byName.set(name, tensor);
  }
  const missing = (name: string) => new AlbertError('ERR_WEIGHTS', `${fileName}: missing tensor "${name}" (needed by head '${head}')`);
  // A config that asks for more layers than the file holds fails at the first missing one, before
  // the names of all of them are listed (a damaged inner_group_num of 10^9 took minutes).
  for (let g = 0; g < config.numHiddenGroups; ++g) {
    for (let i = 0; i < config.innerGroupNum; ++i) {
      const name = `${layerPrefix(g, i)}.attention.query.weight`;
      if (!byName.has(name)) throw missing(name);
    }
  }
  const specs: NativeTensorSpec[] = [];
  for (const [name, shape] of expectedTensors(config, head)) {
    const tensor = byName.get(name);
    if (!tensor) throw missing(name);
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
