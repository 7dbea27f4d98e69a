// Test-side checkpoint tools: read a fixture's tensors, write modified safetensors files and
// model folders (other dtypes, renamed keys, extra config fields), and corrupt them on purpose.
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** name -> { dtype, shape, bytes: Buffer } in file order. */
export function readSafetensors(path) {
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  const base = 8 + headerLength;
  const tensors = new Map();
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    tensors.set(name, { dtype: e.dtype, shape: e.shape, bytes: Buffer.from(bytes.subarray(base + e.data_offsets[0], base + e.data_offsets[1])) });
  }
  return tensors;
}

/** Serialises tensors (Map name -> { dtype, shape, bytes }) as a safetensors file's bytes. */
export function encodeSafetensors(tensors) {
  const header = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([prefix, Buffer.from(json), ...[...tensors.values()].map((t) => t.bytes)]);
}

export function f32Values(t) {
  return new Float32Array(t.bytes.buffer.slice(t.bytes.byteOffset, t.bytes.byteOffset + t.bytes.length));
}

export function f32Tensor(shape, values) {
  return { dtype: 'F32', shape, bytes: Buffer.from(Float32Array.from(values).buffer) };
}

/** Rounds float32 values to float16 (round to nearest even) and returns the bit patterns. */
export function toF16Bits(values) {
  const out = new Uint16Array(values.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < values.length; ++i) {
    f[0] = values[i];
    const x = u[0];
    const sign = (x >>> 16) & 0x8000;
    let exp = ((x >>> 23) & 0xff) - 127 + 15;
    let mant = x & 0x7fffff;
    if (exp <= 0) {
      // subnormal or zero in half precision
      if (exp < -10) { out[i] = sign; continue; }
      mant |= 0x800000;
      const shift = 14 - exp;
      let h = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const half = 1 << (shift - 1);
      if (rem > half || (rem === half && (h & 1))) h += 1;
      out[i] = sign | h;
      continue;
    }
    let h = (exp << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h += 1;
    out[i] = exp >= 31 ? sign | 0x7c00 : sign | h;
  }
  return out;
}

/** Rounds float32 values to bfloat16 (round to nearest even) and returns the bit patterns. */
export function toBf16Bits(values) {
  const u = new Uint32Array(Float32Array.from(values).buffer);
  const out = new Uint16Array(u.length);
  for (let i = 0; i < u.length; ++i) out[i] = (u[i] + 0x7fff + ((u[i] >>> 16) & 1)) >>> 16;
  return out;
}

/**
 * A temporary model folder; returns { dir, cleanup }. The weights (tensors, or a file's bytes)
 * go to model.safetensors, or to `weightsFile`.
 */
export function writeModelDir(config, tensorsOrBytes, { weightsFile = 'model.safetensors' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'albert-test-'));
  if (config !== null) writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  if (tensorsOrBytes !== null) {
    const bytes = Buffer.isBuffer(tensorsOrBytes) ? tensorsOrBytes : encodeSafetensors(tensorsOrBytes);
    writeFileSync(join(dir, weightsFile), bytes);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function readConfig(dir) {
  return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
}

