// Which files of a model folder hold the weights, and reading them: one model.safetensors or
// pytorch_model.bin, or shards listed by an index (model.safetensors.index.json,
// pytorch_model.bin.index.json: { "weight_map": { tensor name: shard file name } }).
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { AlbertError, type AlbertErrorCode } from '../errors';
import { parsePytorchCheckpoint } from './pytorch/checkpoint';
import { parseSafetensors } from './safetensors';
import type { StoredTensor, TensorFile } from './tensor-file';

/** The weights files a Hugging Face folder may hold, in the order they are preferred. */
export const WEIGHTS_FILES = ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin', 'pytorch_model.bin.index.json'] as const;

const INDEX_SUFFIX = '.index.json';

/**
 * The weights of a folder: `path` names them in messages; `files` are read (an index first);
 * `weightMap` is a sharded checkpoint's index (tensor name -> shard file name).
 */
export interface WeightsLocation {
  path: string;
  files: string[];
  weightMap?: Map<string, string>;
}

/** Reads a file; ERR_NOT_FOUND naming `what` when it is missing or unreadable. */
export async function readRequired(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AlbertError('ERR_NOT_FOUND', `${what} not found: ${path}`);
    throw new AlbertError('ERR_NOT_FOUND', `cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Errors about a file set use the code of its format. */
function formatError(path: string, message: string): AlbertError {
  const code: AlbertErrorCode = path.includes('.safetensors') ? 'ERR_SAFETENSORS' : 'ERR_PYTORCH';
  return new AlbertError(code, `${path}: ${message}`);
}

/** The shard file names an index lists, by tensor name; the names must be plain file names. */
async function readIndex(path: string): Promise<Map<string, string>> {
  let index: unknown;
  try {
    index = JSON.parse((await readRequired(path, basename(path))).toString('utf8'));
  } catch (error) {
    if (error instanceof AlbertError) throw error;
    throw formatError(path, `not valid JSON (${(error as Error).message})`);
  }
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) throw formatError(path, 'no "weight_map" object');
  const shards = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(weightMap)) {
    // A shard lives next to its index: no paths, so an index cannot point outside the folder.
    if (typeof shard !== 'string' || shard === '' || shard === '.' || shard === '..' || /[/\\]/.test(shard)) {
      throw formatError(path, `tensor "${tensor}" maps to ${JSON.stringify(shard)}, not a file name in the folder`);
    }
    shards.set(tensor, shard);
  }
  if (shards.size === 0) throw formatError(path, 'the weight_map lists no tensors');
  return shards;
}

/**
 * The first of WEIGHTS_FILES that dir holds (for an index, with its shards); ERR_NOT_FOUND
 * without any.
 */
export async function locateWeights(dir: string): Promise<WeightsLocation> {
  for (const name of WEIGHTS_FILES) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) continue;
    if (!name.endsWith(INDEX_SUFFIX)) return { path, files: [path] };
    const weightMap = await readIndex(path);
    const shards = new Set(weightMap.values());
    return { path, files: [path, ...[...shards].map((shard) => join(dir, shard))], weightMap };
  }
  throw new AlbertError('ERR_NOT_FOUND', `no weights in ${dir}: none of ${WEIGHTS_FILES.join(', ')} found`);
}

/** Parses a weights file read into memory, by its name: safetensors, else torch.save's format. */
export function parseWeightsFile(bytes: Uint8Array, path: string): TensorFile {
  return path.endsWith('.safetensors') ? parseSafetensors(bytes, path) : parsePytorchCheckpoint(bytes, path);
}

/** Reads and parses the weights; the shards of an index are merged and checked against it. */
export async function readWeights(location: WeightsLocation): Promise<TensorFile> {
  const { path, files, weightMap } = location;
  if (!weightMap) return parseWeightsFile(await readRequired(path, basename(path)), path);
  const tensors = new Map<string, StoredTensor>();
  for (const shardPath of files.slice(1)) {
    const shard = basename(shardPath);
    const file = parseWeightsFile(await readRequired(shardPath, `shard ${shard} of ${basename(path)}`), shardPath);
    for (const [name, tensor] of file.tensors) {
      if (tensors.has(name)) throw formatError(path, `tensor "${name}" is stored in more than one shard`);
      tensors.set(name, tensor);
    }
  }
  for (const [name, shard] of weightMap) {
    if (!tensors.has(name)) throw formatError(path, `tensor "${name}" should be in shard ${shard}, which does not hold it`);
  }
  return { tensors };
}
