// Shared by the pipeline tests: fixture folders, an independent softmax, golden lookups.
import { test } from 'uvu';
import { AlbertModel, AlbertTokenizer } from 'albert-native';
import { loadGolden, modelDir } from '../helpers/golden.mjs';

export { modelDir };
export const THREADS = { threads: 2 };

/** Plain float64 softmax of a row. */
export function softmax(row) {
  const max = Math.max(...row);
  const e = Array.from(row, (x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

export function close(a, b, tol = 1e-6) {
  return Math.abs(a - b) <= tol;
}

/** The golden case `name` of a fixture: its texts and output tensors. */
export function goldenCase(fixture, name) {
  const { golden, get } = loadGolden(modelDir(fixture));
  const c = golden.cases.find((x) => x.name === name);
  const outputs = Object.fromEntries(Object.entries(c.outputs).map(([k, ref]) => [k, get(ref)]));
  return { text: c.text, outputs, inputIds: get(c.inputs.input_ids) };
}

/** The model and tokenizer loaded directly, to compute expectations independently of the pipelines. */
export async function loadDirect(fixture, head) {
  const dir = modelDir(fixture);
  const model = await AlbertModel.fromPretrained(dir, { ...THREADS, ...(head ? { head } : {}) });
  const tokenizer = await AlbertTokenizer.fromPretrained(dir);
  return { model, tokenizer };
}

/** Disposes each of `things` (pipelines, models) once the file's tests are done. */
export function disposeAfterAll(...things) {
  test.after(() => things.forEach((thing) => thing.dispose()));
}

/** Asserts `promise` rejects with an error of class `Kind` (and `code`, if given); returns it. */
export async function rejects(promise, Kind, code) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof Kind)) throw new Error(`expected ${Kind.name}, got ${error?.name}: ${error?.message}`);
    if (code !== undefined && error.code !== code) throw new Error(`expected code ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  throw new Error(`expected a ${Kind.name}, but it resolved`);
}
