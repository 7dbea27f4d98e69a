// A strict reader for the safetensors format: an 8-byte little-endian header length, a JSON
// header { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": {...} }, then
// the tensor bytes. Every offset is checked before anything points into the buffer.
import { AlbertError } from '../errors';
import type { StoredTensor, TensorDType, TensorFile } from './tensor-file';

export type SafetensorsDType = TensorDType;

const ELEMENT_BYTES: Record<SafetensorsDType, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1,
  BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
};

/** A tensor of a safetensors file; `data` is a view into the file buffer, not a copy. */
export type SafetensorsTensor = StoredTensor;

export interface SafetensorsFile extends TensorFile {
  metadata: Record<string, string>;
}

function fail(file: string, message: string): never {
  throw new AlbertError('ERR_SAFETENSORS', `${file}: ${message}`);
}

function parseHeader(bytes: Uint8Array, file: string): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.byteLength < 8) fail(file, `file is ${bytes.byteLength} bytes, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.byteLength - 8)) {
    fail(file, `header length ${headerLength} runs past the end of the file (${bytes.byteLength} bytes): truncated or not safetensors`);
  }
  const length = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length)));
  } catch (error) {
    fail(file, `header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail(file, 'header is not a JSON object');
  return { header: header as Record<string, unknown>, dataStart: 8 + length };
}

function parseEntry(name: string, entry: unknown, file: string, dataLength: number): { dtype: SafetensorsDType; shape: number[]; begin: number; end: number } {
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof e !== 'object' || e === null) fail(file, `tensor "${name}": entry is not an object`);
  if (typeof e.dtype !== 'string' || !(e.dtype in ELEMENT_BYTES)) fail(file, `tensor "${name}": unknown dtype ${JSON.stringify(e.dtype)}`);
  const dtype = e.dtype as SafetensorsDType;
  if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    fail(file, `tensor "${name}": bad shape ${JSON.stringify(e.shape)}`);
  }
  const shape = e.shape as number[];
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0)) {
    fail(file, `tensor "${name}": bad data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin || end > dataLength) {
    fail(file, `tensor "${name}": data_offsets [${begin}, ${end}] outside the ${dataLength}-byte data section`);
  }
  const expected = shape.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[dtype];
  if (end - begin !== expected) {
    fail(file, `tensor "${name}": ${end - begin} bytes stored but dtype ${dtype} shape [${shape.join(', ')}] needs ${expected}`);
  }
  return { dtype, shape, begin, end };
}

/** Parses and validates a whole safetensors file held in memory; `file` names it in errors. */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const { header, dataStart } = parseHeader(bytes, file);
  const dataLength = bytes.byteLength - dataStart;
  const tensors = new Map<string, SafetensorsTensor>();
  const spans: { name: string; begin: number; end: number }[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const { dtype, shape, begin, end } = parseEntry(name, entry, file, dataLength);
    spans.push({ name, begin, end });
    tensors.set(name, { name, dtype, shape, data: bytes.subarray(dataStart + begin, dataStart + end) });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < spans.length; ++i) {
    const prev = spans[i - 1];
    const cur = spans[i];
    if (cur.begin < prev.end) fail(file, `tensors "${prev.name}" and "${cur.name}" overlap in the data section`);
  }
  return { tensors, metadata };
}
