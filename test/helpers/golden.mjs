// Reads a fixture folder's golden.json + golden.safetensors and compares outputs with the
// tolerance rule the fixtures' README gives: |got - want| <= abs + rel * |want|.
// Deliberately independent of lib/ (reads safetensors with the test helpers' own reader).
import { existsSync, readFileSync } from 'node:fs';
import { readSafetensors } from './checkpoint.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(here, '..', 'fixtures');
export const SHARED_MODELS = join(here, '..', '..', '..', 'shared', 'fixtures', 'models');
export const BASE_MODEL_DIR = join(SHARED_MODELS, 'albert-base-random');
export const hasBaseModel = existsSync(join(BASE_MODEL_DIR, 'model.safetensors'));

export function modelDir(name) {
  return join(FIXTURES, 'models', name);
}

function readTensors(path) {
  const tensors = new Map();
  for (const [name, t] of readSafetensors(path)) {
    const slice = t.bytes.buffer.slice(t.bytes.byteOffset, t.bytes.byteOffset + t.bytes.length);
    tensors.set(name, { data: t.dtype === 'I64' ? new BigInt64Array(slice) : new Float32Array(slice), dims: t.shape });
  }
  return tensors;
}

export function loadGolden(dir) {
  const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8'));
  const tensors = readTensors(join(dir, 'golden.safetensors'));
  const get = (ref) => tensors.get(ref.tensor);
  return { golden, get };
}

/** Int32 tensor from a golden int64 input. */
export function int32(t) {
  return { data: Int32Array.from(t.data, (v) => Number(v)), dims: t.dims };
}

/**
 * Compares got and want (same dims) elementwise, skipping entries whose `row` (the index along
 * the axes given by rowOf) is padding. Returns { ok, worst } with the worst violation.
 */
export function compare(got, want, tolerance, skip = () => false) {
  if (got.dims.join() !== want.dims.join()) {
    return { ok: false, message: `dims [${got.dims}] != [${want.dims}]` };
  }
  let worst = { excess: 0, index: -1, got: 0, want: 0 };
  let checked = 0;
  for (let i = 0; i < want.data.length; ++i) {
    if (skip(i)) continue;
    checked += 1;
    const w = want.data[i];
    const g = got.data[i];
    const excess = Math.abs(g - w) - (tolerance.abs + tolerance.rel * Math.abs(w));
    if (!(excess <= worst.excess) || Number.isNaN(g)) worst = { excess: Number.isNaN(g) ? Infinity : excess, index: i, got: g, want: w };
  }
  const ok = worst.index === -1 && checked > 0;
  return { ok, checked, message: ok ? '' : `index ${worst.index}: got ${worst.got}, want ${worst.want} (over tolerance by ${worst.excess})` };
}
