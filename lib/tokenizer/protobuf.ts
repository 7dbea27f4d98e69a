/**
 * Minimal protocol-buffers wire-format reader: just enough to walk a SentencePiece
 * ModelProto. Every read is bounds-checked so that a truncated or corrupt file fails with
 * a clear message instead of producing garbage.
 */
import { decodeUtf8Checked } from './utf8';

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  Fixed32 = 5,
}

export class ProtoError extends Error {}

export class ProtoReader {
  private pos: number;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, start = 0, private readonly end = bytes.length, view?: DataView) {
    this.pos = start;
    this.view = view ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a field key; returns [fieldNumber, wireType]. */
  readTag(): [number, WireType] {
    const key = this.readVarint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new ProtoError(`invalid field number 0 at byte ${this.pos}`);
    return [field, (key % 8) as WireType];
  }

  /** Varints up to 2^53 are exact; larger ones (never used by ModelProto) lose precision. */
  readVarint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('unexpected end of data inside a varint');
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new ProtoError('varint longer than 10 bytes');
  }

  /** int32 fields encode negative values as 10-byte two's-complement varints. */
  readInt32(): number {
    return this.readVarint() | 0;
  }

  readBool(): boolean {
    return this.readVarint() !== 0;
  }

  readFloat(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Returns [start, end) of a length-delimited payload and skips over it. */
  readSpan(): [number, number] {
    const len = this.readVarint();
    this.need(len);
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  readBytes(): Uint8Array {
    const [s, e] = this.readSpan();
    return this.bytes.subarray(s, e);
  }

  readString(): string {
    return decodeUtf8Checked(this.readBytes());
  }

  sub(): ProtoReader {
    const [s, e] = this.readSpan();
    return new ProtoReader(this.bytes, s, e, this.view);
  }

  skip(type: WireType): void {
    switch (type) {
      case WireType.Varint: this.readVarint(); return;
      case WireType.Fixed64: this.need(8); this.pos += 8; return;
      case WireType.LengthDelimited: this.readSpan(); return;
      case WireType.Fixed32: this.need(4); this.pos += 4; return;
      default: throw new ProtoError(`unsupported wire type ${type as number} at byte ${this.pos}`);
    }
  }

  /** Throws unless the field has the wire type the schema says it has. */
  expect(type: WireType, want: WireType, field: number): void {
    if (type !== want) throw new ProtoError(`field ${field} has wire type ${type}, expected ${want}`);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtoError(`unexpected end of data (need ${n} bytes at byte ${this.pos})`);
  }
}

