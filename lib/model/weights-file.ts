// Which file of a model folder holds the weights, and which reader parses it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

import { AlbertError } from '../errors';
import { parsePytorchCheckpoint } from './pytorch/checkpoint';
import { parseSafetensors } from './safetensors';
import type { TensorFile } from './tensor-file';

/** The weights files a Hugging Face folder may hold, in the order they are preferred. */
export const WEIGHTS_FILES = ['model.safetensors', 'pytorch_model.bin'] as const;

/** dir/model.safetensors when it exists, else dir/pytorch_model.bin; ERR_NOT_FOUND without either. */
export async function findWeightsFile(dir: string): Promise<string> {
  for (const name of WEIGHTS_FILES) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info?.isFile()) return path;
  }
  throw new AlbertError('ERR_NOT_FOUND', `no weights in ${dir}: neither ${WEIGHTS_FILES.join(' nor ')} found`);
}

/** Parses a weights file read into memory, by its name: safetensors, else torch.save's format. */
export function parseWeightsFile(bytes: Uint8Array, path: string): TensorFile {
  return path.endsWith('.safetensors') ? parseSafetensors(bytes, path) : parsePytorchCheckpoint(bytes, path);
}
