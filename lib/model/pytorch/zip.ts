// The part of the ZIP format torch.save's archives use: records stored without compression,
// found through the central directory (ZIP64 records too, for archives past 4 GiB). Each
// record comes back as a view into the file's bytes, never a copy.

const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const ZIP64_EXTRA_FIELD = 0x0001;
const STORED = 0;
const ENCRYPTED = 0x1; // general-purpose flag bit 0
const MAX_COMMENT = 0xffff;

export type ZipFailure = (message: string) => never;

/** True when the bytes start like a ZIP archive (a local file header). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

interface Directory {
  entries: number;
  offset: number;
}

class Reader {
  readonly view: DataView;

  constructor(readonly bytes: Uint8Array, readonly fail: ZipFailure) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(offset: number, length: number, what: string): void {
    if (offset < 0 || offset + length > this.bytes.byteLength) this.fail(`${what} at byte ${offset} runs past the end of the file: truncated`);
  }

  u16(offset: number): number {
    return this.view.getUint16(offset, true);
  }

  u32(offset: number): number {
    return this.view.getUint32(offset, true);
  }

  u64(offset: number, what: string): number {
    const value = this.view.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${value} is out of range`);
    return Number(value);
  }
}

function findEndOfDirectory(r: Reader): number {
  const last = r.bytes.byteLength - 22;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT; --at) {
    if (r.u32(at) === END_OF_DIRECTORY) return at;
  }
  return r.fail('no ZIP end-of-central-directory record: truncated or not a zip archive');
}

function readDirectory(r: Reader): Directory {
  const end = findEndOfDirectory(r);
  let entries = r.u16(end + 10);
  let offset = r.u32(end + 16);
  if (entries === 0xffff || offset === 0xffffffff) {
    // ZIP64: the locator sits just before the classic record and points at the real one.
    const locator = end - 20;
    r.need(locator, 20, 'the ZIP64 locator');
    if (r.u32(locator) !== ZIP64_LOCATOR) r.fail('the ZIP64 end-of-directory locator is missing');
    const record = r.u64(locator + 8, 'ZIP64 record offset');
    r.need(record, 56, 'the ZIP64 end-of-directory record');
    if (r.u32(record) !== ZIP64_END_OF_DIRECTORY) r.fail('the ZIP64 end-of-directory record is missing');
    entries = r.u64(record + 32, 'entry count');
    offset = r.u64(record + 48, 'directory offset');
  }
  return { entries, offset };
}

/** The sizes and header offset of one entry, with its ZIP64 extra field applied. */
function entryFields(r: Reader, at: number, name: string) {
  let compressedSize = r.u32(at + 20);
  let size = r.u32(at + 24);
  let headerOffset = r.u32(at + 42);
  const nameLength = r.u16(at + 28);
  const extraLength = r.u16(at + 30);
  let field = at + 46 + nameLength;
  const extraEnd = field + extraLength;
  r.need(field, extraLength, `the extra fields of record "${name}"`);
  while (field + 4 <= extraEnd) {
    const id = r.u16(field);
    const length = r.u16(field + 2);
    if (id === ZIP64_EXTRA_FIELD) {
      // Only the fields whose 32-bit slots are saturated are present, in this order.
      let value = field + 4;
      const next = (what: string): number => {
        if (value + 8 > field + 4 + length) r.fail(`record "${name}": ZIP64 extra field too short for its ${what}`);
        const v = r.u64(value, `record "${name}" ${what}`);
        value += 8;
        return v;
      };
      if (size === 0xffffffff) size = next('size');
      if (compressedSize === 0xffffffff) compressedSize = next('compressed size');
      if (headerOffset === 0xffffffff) headerOffset = next('header offset');
    }
    field += 4 + length;
  }
  return { compressedSize, size, headerOffset };
}

/**
 * Every record of a ZIP archive by name, as views into `bytes`. Fails (through `fail`, which
 * must throw) on anything damaged or compressed: torch writes its records stored.
 */
export function readStoredZip(bytes: Uint8Array, fail: ZipFailure): Map<string, Uint8Array> {
  const r = new Reader(bytes, fail);
  if (bytes.byteLength < 22) fail(`file is ${bytes.byteLength} bytes, too short for a zip archive`);
  const { entries, offset } = readDirectory(r);
  const records = new Map<string, Uint8Array>();
  let at = offset;
  for (let i = 0; i < entries; ++i) {
    r.need(at, 46, `central directory entry ${i}`);
    if (r.u32(at) !== DIRECTORY_ENTRY) fail(`central directory entry ${i} at byte ${at} is damaged`);
    const nameLength = r.u16(at + 28);
    r.need(at + 46, nameLength, `the name of central directory entry ${i}`);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (r.u16(at + 8) & ENCRYPTED) fail(`record "${name}" is encrypted`);
    const method = r.u16(at + 10);
    if (method !== STORED) fail(`record "${name}" is compressed (method ${method}); torch.save stores its records uncompressed`);
    const { compressedSize, size, headerOffset } = entryFields(r, at, name);
    if (compressedSize !== size) fail(`record "${name}": stored size ${compressedSize} differs from its size ${size}`);
    r.need(headerOffset, 30, `the local header of record "${name}"`);
    if (r.u32(headerOffset) !== LOCAL_HEADER) fail(`record "${name}": no local header at byte ${headerOffset}`);
    const dataStart = headerOffset + 30 + r.u16(headerOffset + 26) + r.u16(headerOffset + 28);
    r.need(dataStart, size, `record "${name}" (${size} bytes)`);
    records.set(name, bytes.subarray(dataStart, dataStart + size));
    at += 46 + nameLength + r.u16(at + 30) + r.u16(at + 32);
  }
  return records;
}
