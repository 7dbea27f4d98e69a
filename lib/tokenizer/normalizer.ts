/**
 * SentencePiece's text normaliser (normalizer.cc), byte for byte:
 *   1. at each position take the longest user-defined symbol (copied verbatim), else the
 *      longest precompiled-charsmap rule (replaced), else one UTF-8 character (copied);
 *   2. with remove_extra_whitespaces, drop leading spaces, collapse space runs and drop
 *      trailing U+2581 (note: the trailing check is on the output, so a literal "▁" at the
 *      end of the input is dropped too, exactly as in C++);
 *   3. with escape_whitespaces, ' ' becomes U+2581; with add_dummy_prefix one U+2581 is
 *      prepended.
 * For every output byte it records the input byte range [srcStart, srcEnd) of the chunk
 * that produced it, which is how token offsets are traced back to the input.
 */
import { PrecompiledCharsmap } from './charsmap';
import { DoubleArrayTrie } from './double-array';
import type { NormalizerSpecProto } from './model-proto';
import { decodeOne, oneCharLen } from './utf8';

const SPACE = 0x20;
const REPLACEMENT = Uint8Array.of(0xef, 0xbf, 0xbd);

export class NormBuffer {
  bytes = new Uint8Array(256);
  srcStart = new Int32Array(256);
  srcEnd = new Int32Array(256);
  length = 0;

  reserve(n: number): void {
    if (n <= this.bytes.length) return;
    const cap = Math.max(n, this.bytes.length * 2);
    const grow = <T extends Uint8Array | Int32Array>(a: T, b: T): T => { b.set(a.subarray(0, this.length)); return b; };
    this.bytes = grow(this.bytes, new Uint8Array(cap));
    this.srcStart = grow(this.srcStart, new Int32Array(cap));
    this.srcEnd = grow(this.srcEnd, new Int32Array(cap));
  }
}

export class Normalizer {
  private readonly charsmap: PrecompiledCharsmap | null;
  private readonly matchOut = new Int32Array(1);
  private readonly lenOut = new Int32Array(1);
  /** Chunk produced by the last prefix step: bytes [chunkStart, chunkEnd) of chunkBytes. */
  private chunkBytes: Uint8Array = REPLACEMENT;
  private chunkStart = 0;
  private chunkEnd = 0;
  /**
   * Per ASCII byte followed by an ASCII byte (or the end): -2 if the general path is
   * needed (a user-defined symbol or a multi-byte rule may start here), -1 to copy the
   * byte, else the charsmap offset of its replacement.
   */
  private readonly asciiAction = new Int32Array(128);
  private readonly asciiLength = new Int32Array(128);

  constructor(
    private readonly spec: NormalizerSpecProto,
    private readonly userDefined: DoubleArrayTrie | null,
  ) {
    this.charsmap = spec.precompiledCharsmap.length > 0 ? new PrecompiledCharsmap(spec.precompiledCharsmap) : null;
    this.prepareAsciiFastPath();
  }

  private prepareAsciiFastPath(): void {
    const probe = new Uint8Array(1);
    for (let c = 0; c < 128; c++) {
      probe[0] = c;
      const userStarts = this.userDefined !== null && this.startsUserDefined(c);
      const rule = this.charsmap?.asciiRule(c) ?? { offset: -1, continuesWithAscii: false };
      this.asciiAction[c] = userStarts || rule.continuesWithAscii ? -2 : rule.offset;
      this.asciiLength[c] = rule.offset >= 0 ? this.charsmap!.replacementLength(rule.offset) : 1;
    }
  }

  /** True if some user-defined symbol starts with byte c. */
  private startsUserDefined(c: number): boolean {
    const { base, check } = this.userDefined!;
    return check[base[0] + c] === 0;
  }

  /** Normalises input[0, len) into out. */
  normalize(input: Uint8Array, len: number, out: NormBuffer): void {
    out.length = 0;
    let pos = 0;
    const removeExtra = this.spec.removeExtraWhitespaces;
    if (removeExtra) {
      // Heading spaces: only chunks that normalise to exactly " " are skipped.
      while (pos < len) {
        const used = this.prefix(input, pos, len);
        if (this.chunkEnd - this.chunkStart !== 1 || this.chunkBytes[this.chunkStart] !== SPACE) break;
        pos += used;
      }
    }
    if (pos >= len) return;
    // Worst case: every input byte becomes a 3-byte U+2581 (or a charsmap expansion);
    // reserve() is called again per chunk for the rare longer expansions.
    out.reserve(3 * (len - pos) + 3);
    if (this.spec.addDummyPrefix) this.appendSpace(out, pos, pos);
    let prevSpace = removeExtra;
    while (pos < len) {
      const used = this.prefix(input, pos, len);
      let s = this.chunkStart;
      const e = this.chunkEnd;
      while (prevSpace && s < e && this.chunkBytes[s] === SPACE) s++;
      if (s < e) {
        this.appendChunk(out, s, e, pos, pos + used);
        prevSpace = this.chunkBytes[e - 1] === SPACE;
      }
      pos += used;
      if (!removeExtra) prevSpace = false;
    }
    if (removeExtra) this.trimTrailingSpaces(out);
  }

  /** One NormalizePrefix step at input[pos]; sets the chunk fields, returns bytes consumed. */
  private prefix(input: Uint8Array, pos: number, len: number): number {
    const lead = input[pos];
    if (lead < 0x80 && (pos + 1 === len || input[pos + 1] < 0x80)) {
      const action = this.asciiAction[lead];
      if (action === -1) return this.setChunk(input, pos, pos + 1, 1);
      if (action >= 0) return this.setChunk(this.charsmap!.strings, action, action + this.asciiLength[lead], 1);
    }
    if (this.userDefined !== null) {
      const m = this.userDefined.longestPrefix(input, pos, len);
      if (m > 0) return this.setChunk(input, pos, pos + m, m);
    }
    if (this.charsmap !== null) {
      const m = this.charsmap.longestMatch(input, pos, len, this.matchOut);
      if (m > 0) {
        const off = this.matchOut[0];
        return this.setChunk(this.charsmap.strings, off, off + this.charsmap.replacementLength(off), m);
      }
    }
    if (lead < 0x80) return this.setChunk(input, pos, pos + 1, 1);
    if (decodeOne(input, pos, len, this.lenOut) < 0) return this.setChunk(REPLACEMENT, 0, 3, 1);
    const n = Math.min(oneCharLen(lead), len - pos);
    return this.setChunk(input, pos, pos + n, n);
  }

  private setChunk(bytes: Uint8Array, start: number, end: number, used: number): number {
    this.chunkBytes = bytes;
    this.chunkStart = start;
    this.chunkEnd = end;
    return used;
  }

  private appendChunk(out: NormBuffer, s: number, e: number, srcStart: number, srcEnd: number): void {
    out.reserve(out.length + 3 * (e - s));
    const escape = this.spec.escapeWhitespaces;
    const chunk = this.chunkBytes;
    for (let i = s; i < e; i++) {
      const b = chunk[i];
      if (escape && b === SPACE) {
        this.appendSpace(out, srcStart, srcEnd);
      } else {
        const n = out.length++;
        out.bytes[n] = b;
        out.srcStart[n] = srcStart;
        out.srcEnd[n] = srcEnd;
      }
    }
  }

  /** Appends U+2581 (or ' ' without escaping) for input bytes [srcStart, srcEnd). */
  private appendSpace(out: NormBuffer, srcStart: number, srcEnd: number): void {
    let n = out.length;
    if (this.spec.escapeWhitespaces) {
      out.bytes[n] = 0xe2; out.bytes[n + 1] = 0x96; out.bytes[n + 2] = 0x81;
      for (let k = 0; k < 3; k++) { out.srcStart[n + k] = srcStart; out.srcEnd[n + k] = srcEnd; }
      n += 3;
    } else {
      out.bytes[n] = SPACE; out.srcStart[n] = srcStart; out.srcEnd[n] = srcEnd;
      n += 1;
    }
    out.length = n;
  }

  private trimTrailingSpaces(out: NormBuffer): void {
    const b = out.bytes;
    if (this.spec.escapeWhitespaces) {
      while (out.length >= 3 && b[out.length - 3] === 0xe2 && b[out.length - 2] === 0x96 && b[out.length - 1] === 0x81) {
        out.length -= 3;
      }
    } else {
      while (out.length >= 1 && b[out.length - 1] === SPACE) out.length -= 1;
    }
  }
}
