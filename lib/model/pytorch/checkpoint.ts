// pytorch_model.bin: the state dicts torch.save writes, in both of its formats.
//   zip (torch >= 1.6): <archive>/data.pkl pickles the state dict; each storage is the record
//     <archive>/data/<key>; <archive>/byteorder says the byte order (little when absent).
//   legacy (torch < 1.6): a magic-number pickle, a protocol-version pickle, a system-info
//     pickle, the state dict's pickle, a pickled list of storage keys, then each storage as an
//     int64 element count followed by its bytes.
// In both, a tensor is torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...) and a
// storage is a persistent id ('storage', <torch.XStorage>, key, location, numel, ...). Nothing in
// the pickle is executed: only these few names are understood, and anything else is refused.
import { AlbertError } from '../../errors';
import type { TensorDType, StoredTensor, TensorFile } from '../tensor-file';
import { isPickleGlobal, unpickle, type PickleGlobal } from './pickle';
import { looksLikeZip, readStoredZip } from './zip';

const STORAGE_DTYPES: Record<string, { dtype: TensorDType; bytes: number }> = {
  FloatStorage: { dtype: 'F32', bytes: 4 },
  HalfStorage: { dtype: 'F16', bytes: 2 },
  BFloat16Storage: { dtype: 'BF16', bytes: 2 },
  DoubleStorage: { dtype: 'F64', bytes: 8 },
  LongStorage: { dtype: 'I64', bytes: 8 },
  IntStorage: { dtype: 'I32', bytes: 4 },
  ShortStorage: { dtype: 'I16', bytes: 2 },
  CharStorage: { dtype: 'I8', bytes: 1 },
  ByteStorage: { dtype: 'U8', bytes: 1 },
  BoolStorage: { dtype: 'BOOL', bytes: 1 },
};

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

/** A storage named by the pickle; its bytes arrive from a zip record or after a legacy pickle. */
interface StorageRef {
  key: string;
  dtype: TensorDType;
  elementBytes: number;
  numel: number;
  bytes?: Uint8Array;
  /** Legacy files only: this storage is elements [offset, offset + numel) of another. */
  viewOf?: { root: StorageRef; offset: number };
}

/** A tensor as the pickle describes it: a strided view of a storage. */
class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

type Fail = (message: string) => never;

function failer(file: string): Fail {
  return (message) => {
    throw new AlbertError('ERR_PYTORCH', `${file}: ${message}`);
  };
}

/** A short, safe description of an unpickled value for an error message. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.slice(0, 8).map(describe).join(', ')}${value.length > 8 ? ', ...' : ''}]`;
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}...` : value);
  if (value instanceof Map) return 'a dict';
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (value instanceof TensorRef) return 'a tensor';
  if (isPickleGlobal(value)) return `${value.module}.${value.name}`;
  return typeof value === 'object' && value !== null ? 'an object' : String(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function countList(value: unknown, what: string, fail: Fail): number[] {
  if (!Array.isArray(value) || !value.every(isCount)) fail(`${what} ${describe(value)} is not a list of non-negative integers`);
  return value as number[];
}

function rebuildTensor(args: unknown[], fail: Fail): TensorRef {
  const [storage, offset, shape, stride] = args;
  if (!(typeof storage === 'object' && storage !== null && 'elementBytes' in storage)) fail('a tensor whose storage is not a storage');
  if (!isCount(offset)) fail(`a tensor with storage offset ${describe(offset)}`);
  const size = countList(shape, 'tensor size', fail);
  const strides = countList(stride, 'tensor stride', fail);
  if (strides.length !== size.length) fail(`a tensor with size [${size.join(', ')}] but stride [${strides.join(', ')}]`);
  return new TensorRef(storage as StorageRef, offset, size, strides);
}

/** The only globals a state dict needs; every other name is refused. */
function globals(fail: Fail): (module: string, name: string) => PickleGlobal {
  const allowed = new Map<string, PickleGlobal>();
  const add = (module: string, name: string, call?: (args: unknown[]) => unknown) => allowed.set(`${module}.${name}`, { module, name, call });
  add('collections', 'OrderedDict', (args) => {
    const pairs = args.length ? args[0] : [];
    if (!Array.isArray(pairs) || !pairs.every((p) => Array.isArray(p) && p.length === 2)) fail('OrderedDict built from something other than key-value pairs');
    return new Map(pairs as [unknown, unknown][]);
  });
  add('torch._utils', '_rebuild_tensor_v2', (args) => rebuildTensor(args, fail));
  add('torch._utils', '_rebuild_tensor', (args) => rebuildTensor(args, fail));
  // nn.Parameter wraps a tensor: the tensor is its first argument.
  add('torch._utils', '_rebuild_parameter', (args) => args[0]);
  add('torch._utils', '_rebuild_parameter_with_state', (args) => args[0]);
  add('torch._tensor', '_rebuild_from_type_v2', (args) => {
    const [inner, , innerArgs] = args;
    if (!isPickleGlobal(inner) || !inner.call || !Array.isArray(innerArgs)) fail('_rebuild_from_type_v2 without a tensor rebuild');
    return inner.call(innerArgs);
  });
  add('torch.nn.parameter', 'Parameter');
  add('torch._tensor', 'Tensor');
  add('torch', 'Tensor');
  for (const name of Object.keys(STORAGE_DTYPES)) add('torch', name);
  return (module, name) => allowed.get(`${module}.${name}`) ?? fail(`the pickle names ${module}.${name}, which a state dict does not need; refusing to load it`);
}

/**
 * Turns persistent ids into StorageRefs, one per key (tensors sharing a storage share it). A
 * legacy id may end with a view (key, offset, size) into the storage it names.
 */
function storageLoader(fail: Fail) {
  const storages = new Map<string, StorageRef>();
  const views = new Map<string, StorageRef>();
  const storage = (key: unknown, numel: unknown, type: unknown): StorageRef => {
    if (!isPickleGlobal(type) || !(type.name in STORAGE_DTYPES)) fail(`storage of unknown type ${describe(type)}`);
    if (typeof key !== 'string' || !isCount(numel)) fail(`storage with key ${describe(key)} and size ${describe(numel)}`);
    const known = storages.get(key);
    if (known) return known;
    const { dtype, bytes } = STORAGE_DTYPES[type.name];
    const created: StorageRef = { key, dtype, elementBytes: bytes, numel };
    storages.set(key, created);
    return created;
  };
  const load = (id: unknown): StorageRef => {
    if (!Array.isArray(id) || id[0] !== 'storage') fail(`persistent id ${describe(id)} is not a storage`);
    const [, type, key, , numel, view] = id as unknown[];
    const root = storage(key, numel, type);
    if (view === undefined || view === null) return root;
    const [viewKey, offset, size] = Array.isArray(view) ? view : [];
    if (typeof viewKey !== 'string' || !isCount(offset) || !isCount(size) || offset + size > root.numel) {
      fail(`storage view ${describe(view)} does not fit its ${root.numel}-element storage "${root.key}"`);
    }
    const known = views.get(viewKey);
    if (known) return known;
    const created: StorageRef = { ...root, key: viewKey, numel: size, viewOf: { root, offset } };
    views.set(viewKey, created);
    return created;
  };
  /** Points each view at its root's bytes, once the roots have theirs. */
  const resolveViews = () => {
    for (const view of views.values()) {
      const { root, offset } = view.viewOf!;
      view.bytes = root.bytes!.subarray(offset * root.elementBytes, (offset + view.numel) * root.elementBytes);
    }
  };
  return { storages, load, resolveViews };
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; --d) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** The tensor's bytes in row-major order: a view when contiguous, else a gathered copy. */
function tensorBytes(name: string, t: TensorRef, fail: Fail): Uint8Array {
  const { storage, shape, stride, offset } = t;
  const numel = shape.reduce((a, b) => a * b, 1);
  const es = storage.elementBytes;
  const data = storage.bytes!;
  if (numel === 0) return new Uint8Array(0);
  const last = offset + shape.reduce((sum, size, d) => sum + (size - 1) * stride[d], 0);
  if (last >= storage.numel) {
    fail(`tensor "${name}" (size [${shape.join(', ')}], stride [${stride.join(', ')}], offset ${offset}) reaches element ${last} of a ${storage.numel}-element storage`);
  }
  if (isContiguous(shape, stride)) return data.subarray(offset * es, (offset + numel) * es);
  // A view that repeats elements (stride 0, overlapping rows) is no weight matrix; copying it
  // could ask for far more memory than the file holds.
  if (numel > storage.numel) fail(`tensor "${name}" has ${numel} elements, more than its ${storage.numel}-element storage: a view that repeats elements`);
  const out = new Uint8Array(numel * es);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < numel; ++i) {
    let element = offset;
    for (let d = 0; d < shape.length; ++d) element += index[d] * stride[d];
    out.set(data.subarray(element * es, (element + 1) * es), i * es);
    for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; --d) index[d] = 0;
  }
  return out;
}

/** The state dict's tensors by name; other entries (a checkpoint may carry strings) are skipped. */
function collectTensors(stateDict: unknown, fail: Fail): TensorFile {
  if (!(stateDict instanceof Map)) fail('the pickle does not hold a state dict (a dict of tensors)');
  const tensors = new Map<string, StoredTensor>();
  for (const [name, value] of stateDict) {
    if (!(value instanceof TensorRef)) continue;
    if (typeof name !== 'string') fail(`a tensor under the non-string key ${describe(name)}`);
    tensors.set(name, { name, dtype: value.storage.dtype, shape: value.shape, data: tensorBytes(name, value, fail) });
  }
  return { tensors };
}

function attachStorage(storage: StorageRef, bytes: Uint8Array | undefined, record: string, fail: Fail): void {
  if (!bytes) fail(`storage record "${record}" is missing`);
  if (bytes.byteLength < storage.numel * storage.elementBytes) {
    fail(`storage record "${record}" holds ${bytes.byteLength} bytes, ${storage.numel * storage.elementBytes} needed`);
  }
  storage.bytes = bytes;
}

function parseZip(bytes: Uint8Array, fail: Fail): TensorFile {
  const records = readStoredZip(bytes, fail);
  const pickleName = [...records.keys()].find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (!pickleName) fail('zip archive without a <archive>/data.pkl record: not a torch.save file');
  const archive = pickleName.slice(0, -'data.pkl'.length);
  const byteOrder = records.get(`${archive}byteorder`);
  if (byteOrder && new TextDecoder().decode(byteOrder) !== 'little') fail('the tensors are stored big-endian; only little-endian files are read');
  const { storages, load, resolveViews } = storageLoader(fail);
  const { value } = unpickle(records.get(pickleName)!, 0, { findGlobal: globals(fail), persistentLoad: load, fail });
  for (const storage of storages.values()) {
    const record = `${archive}data/${storage.key}`;
    attachStorage(storage, records.get(record), record, fail);
  }
  resolveViews();
  return collectTensors(value, fail);
}

function parseLegacy(bytes: Uint8Array, fail: Fail): TensorFile {
  if (bytes[0] !== 0x80) fail('neither a zip archive nor a pickle: not a file torch.save wrote');
  const plain = { findGlobal: globals(fail), persistentLoad: () => fail('a persistent id outside the state dict'), fail };
  const magic = unpickle(bytes, 0, plain);
  if (magic.value !== LEGACY_MAGIC) fail('neither a zip archive nor a legacy torch.save file (no magic number)');
  const protocol = unpickle(bytes, magic.end, plain);
  if (protocol.value !== LEGACY_PROTOCOL) fail(`legacy protocol version ${describe(protocol.value)}, expected ${LEGACY_PROTOCOL}`);
  const sysInfo = unpickle(bytes, protocol.end, plain);
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) fail('the tensors are stored big-endian; only little-endian files are read');
  const { storages, load, resolveViews } = storageLoader(fail);
  const stateDict = unpickle(bytes, sysInfo.end, { ...plain, persistentLoad: load });
  const keys = unpickle(bytes, stateDict.end, plain);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string')) fail('the storage key list is damaged');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = keys.end;
  for (const key of keys.value as string[]) {
    const storage = storages.get(key) ?? fail(`storage "${key}" is listed but no tensor uses it`);
    if (at + 8 > bytes.byteLength) fail(`storage "${key}" starts past the end of the file: truncated`);
    const numel = Number(view.getBigInt64(at, true));
    if (numel !== storage.numel) fail(`storage "${key}" holds ${numel} elements, the pickle says ${storage.numel}`);
    const length = numel * storage.elementBytes;
    if (at + 8 + length > bytes.byteLength) fail(`storage "${key}" (${length} bytes) runs past the end of the file: truncated`);
    attachStorage(storage, bytes.subarray(at + 8, at + 8 + length), `storage "${key}"`, fail);
    at += 8 + length;
  }
  for (const storage of storages.values()) if (!storage.bytes) fail(`storage "${storage.key}" is used by a tensor but not stored`);
  resolveViews();
  return collectTensors(stateDict.value, fail);
}

/** Parses a pytorch_model.bin held in memory; `file` names it in errors (AlbertError ERR_PYTORCH). */
export function parsePytorchCheckpoint(bytes: Uint8Array, file: string): TensorFile {
  const fail = failer(file);
  return looksLikeZip(bytes) ? parseZip(bytes, fail) : parseLegacy(bytes, fail);
}
