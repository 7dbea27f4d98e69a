// Input and output tensor types, and the conversion of user inputs to the engine's Int32Arrays.
import { AlbertError } from '../errors';

/** A dense row-major tensor. */
export interface Tensor<T = Float32Array> {
  data: T;
  dims: number[];
}

/** Integer inputs: a typed tensor, or nested arrays ([batch][seq], or [batch][choices][seq]). */
export type IntTensorInput =
  | Tensor<Int32Array | BigInt64Array | number[]>
  | number[][]
  | number[][][];

interface IntTensor {
  data: Int32Array;
  dims: number[];
}

function fail(message: string): never {
  throw new AlbertError('ERR_INPUT', message);
}

function flattenNested(name: string, value: unknown[]): IntTensor {
  const dims: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    dims.push(level.length);
    level = level[0];
  }
  const size = dims.reduce((a, b) => a * b, 1);
  const data = new Int32Array(size);
  let at = 0;
  const walk = (node: unknown, depth: number): void => {
    if (depth === dims.length) {
      data[at++] = toInt(name, node, at);
      return;
    }
    if (!Array.isArray(node) || node.length !== dims[depth]) fail(`${name}: ragged nested array at depth ${depth} (expected length ${dims[depth]})`);
    for (const child of node) walk(child, depth + 1);
  };
  walk(value, 0);
  return { data, dims };
}

function toInt(name: string, value: unknown, index: number): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) {
    fail(`${name}[${index}] is ${String(value)}, not an integer`);
  }
  return n;
}

/** Converts any accepted input form to { Int32Array, dims }, checking sizes. */
export function toIntTensor(name: string, input: unknown): IntTensor {
  if (Array.isArray(input)) return flattenNested(name, input);
  if (typeof input !== 'object' || input === null || !('data' in input) || !('dims' in input)) {
    fail(`${name} must be { data, dims } or a nested array`);
  }
  const { data, dims } = input as { data: unknown; dims: unknown };
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) fail(`${name}.dims must be an array of non-negative integers`);
  const size = (dims as number[]).reduce((a, b) => a * b, 1);
  let out: Int32Array;
  if (data instanceof Int32Array) {
    out = data;
  } else if (data instanceof BigInt64Array || Array.isArray(data)) {
    out = new Int32Array(data.length);
    for (let i = 0; i < data.length; ++i) out[i] = toInt(name, data[i], i);
  } else {
    fail(`${name}.data must be an Int32Array, BigInt64Array or number[]`);
  }
  if (out.length !== size) fail(`${name}.data has ${out.length} elements but dims [${(dims as number[]).join(', ')}] need ${size}`);
  return { data: out, dims: [...(dims as number[])] };
}

/** Checks every value lies in [0, limit); `what` names the quantity in the error. */
export function checkRange(name: string, t: IntTensor, limit: number, what: string): void {
  const { data } = t;
  for (let i = 0; i < data.length; ++i) {
    const v = data[i];
    if (v < 0 || v >= limit) fail(`${name}[${i}] = ${v} is not a valid ${what} (must be 0..${limit - 1})`);
  }
}
