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
// The tiny checkpoints in test/fixtures/models, one per head family (names for modelDir).
export const TINY_MODELS = ['tiny-pretraining', 'tiny-groups-seqcls', 'tiny-tokcls', 'tiny-qa', 'tiny-mc'];

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

// Per-token outputs are compared only where attention_mask == 1 (padded rows are unspecified):
// a skip(i) for compare() that is true for the elements of padded rows. positions: the golden's
// logits_positions, for 'logits_selected'.
function isTokenwise(name, dims) {
  return ['last_hidden_state', 'prediction_logits', 'start_logits', 'end_logits'].includes(name)
    || name.startsWith('hidden_states.') || (name === 'logits' && dims.length === 3);
}

export function paddingSkipper(name, dims, mask, positions) {
  const rows = mask.dims.slice(0, -1).reduce((a, b) => a * b, 1);
  const S = mask.dims[mask.dims.length - 1];
  if (name === 'logits_selected') {
    // Some selected positions are padding; skip those rows like any other padded row.
    const [, J, V] = dims;
    return (i) => {
      const row = Math.floor(i / V);
      const b = Math.floor(row / J);
      return mask.data[b * S + Number(positions.data[row])] === 0n;
    };
  }
  if (name.startsWith('attentions.')) {
    const heads = dims[1];
    return (i) => {
      const q = Math.floor(i / S) % S;
      const n = Math.floor(i / (heads * S * S));
      return mask.data[n * S + q] === 0n;
    };
  }
  if (!isTokenwise(name, dims)) return () => false;
  const inner = dims.slice(2).reduce((a, b) => a * b, 1);
  if (dims[0] * dims[1] !== rows * S) throw new Error(`${name} [${dims}] is not per token`);
  return (i) => mask.data[Math.floor(i / inner)] === 0n;
}
