/**
 * UTF-8 helpers. SentencePiece works on UTF-8 bytes (its tries are byte-keyed and its
 * offsets are byte offsets), so text is converted once into a reusable byte buffer that
 * also remembers, for every byte, which source unit it came from.
 */

/** Bytes of UTF-8 text plus, per byte, the index of the source unit that produced it. */
export class Utf8Buffer {
  bytes = new Uint8Array(256);
  source = new Int32Array(256);
  length = 0;

  /** Grows (never shrinks) so that `n` bytes fit. */
  reserve(n: number): void {
    if (n <= this.bytes.length) return;
    const cap = Math.max(n, this.bytes.length * 2);
    this.bytes = new Uint8Array(cap);
    this.source = new Int32Array(cap);
  }

  /** Encodes s[from, to); source[k] is the UTF-16 index of the code point of byte k. */
  setString(s: string, from = 0, to = s.length): void {
    this.reserve(3 * (to - from));
    let n = 0;
    for (let i = from; i < to; i++) {
      let cp = s.charCodeAt(i);
      const at = i;
      if (cp >= 0xd800 && cp < 0xe000) {
        const next = i + 1 < to ? s.charCodeAt(i + 1) : 0;
        if (cp < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
          i++;
        } else {
          cp = 0xfffd; // lone surrogate: what TextEncoder (and Python's 'replace') produce
        }
      }
      n = this.put(cp, at, n);
    }
    this.length = n;
  }

  /** Encodes code points cps[0, count); source[k] is the index into cps of byte k. */
  setCodePoints(cps: Int32Array, count: number): void {
    this.reserve(4 * count);
    let n = 0;
    for (let i = 0; i < count; i++) {
      let cp = cps[i];
      if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
      n = this.put(cp, i, n);
    }
    this.length = n;
  }

  private put(cp: number, src: number, n: number): number {
    const b = this.bytes;
    const m = this.source;
    if (cp < 0x80) {
      b[n] = cp; m[n++] = src;
    } else if (cp < 0x800) {
      b[n] = 0xc0 | (cp >> 6); m[n++] = src;
      b[n] = 0x80 | (cp & 0x3f); m[n++] = src;
    } else if (cp < 0x10000) {
      b[n] = 0xe0 | (cp >> 12); m[n++] = src;
      b[n] = 0x80 | ((cp >> 6) & 0x3f); m[n++] = src;
      b[n] = 0x80 | (cp & 0x3f); m[n++] = src;
    } else {
      b[n] = 0xf0 | (cp >> 18); m[n++] = src;
      b[n] = 0x80 | ((cp >> 12) & 0x3f); m[n++] = src;
      b[n] = 0x80 | ((cp >> 6) & 0x3f); m[n++] = src;
      b[n] = 0x80 | (cp & 0x3f); m[n++] = src;
    }
    return n;
  }
}

/** SentencePiece's OneCharLen: sequence length implied by a lead byte (1 for stray bytes). */
export function oneCharLen(lead: number): number {
  return lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

const isTrail = (b: number): boolean => (b & 0xc0) === 0x80;
const isValidCodePoint = (c: number): boolean => c < 0xd800 || (c >= 0xe000 && c <= 0x10ffff);

/**
 * SentencePiece's DecodeUTF8: the code point at bytes[i] and its length, or -1 with
 * length 1 for malformed input (overlong forms and surrogates are malformed).
 * Writes the length into len[0].
 */
export function decodeOne(bytes: Uint8Array, i: number, end: number, len: Int32Array): number {
  const b0 = bytes[i];
  len[0] = 1;
  if (b0 < 0x80) return b0;
  const avail = end - i;
  if (avail >= 2 && (b0 & 0xe0) === 0xc0) {
    const cp = ((b0 & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
    if (isTrail(bytes[i + 1]) && cp >= 0x80) { len[0] = 2; return cp; }
  } else if (avail >= 3 && (b0 & 0xf0) === 0xe0) {
    const cp = ((b0 & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
    if (isTrail(bytes[i + 1]) && isTrail(bytes[i + 2]) && cp >= 0x800 && isValidCodePoint(cp)) { len[0] = 3; return cp; }
  } else if (avail >= 4 && (b0 & 0xf8) === 0xf0) {
    const cp = ((b0 & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f);
    if (isTrail(bytes[i + 1]) && isTrail(bytes[i + 2]) && isTrail(bytes[i + 3]) && cp >= 0x10000 && isValidCodePoint(cp)) {
      len[0] = 4;
      return cp;
    }
  }
  return -1;
}

/** Decodes bytes, turning every malformed byte into U+FFFD as SentencePiece does. */
export function decodeUtf8Lenient(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const len = new Int32Array(1);
  const cps: number[] = [];
  let out = '';
  for (let i = start; i < end; i += len[0]) {
    const cp = decodeOne(bytes, i, end, len);
    cps.push(cp < 0 ? 0xfffd : cp);
    if (cps.length >= 4096) { out += String.fromCodePoint(...cps); cps.length = 0; }
  }
  return out + String.fromCodePoint(...cps);
}

// ignoreBOM: a leading U+FEFF is a character like any other here, not a byte-order mark to
// drop (SentencePiece's C++ keeps it, in model pieces and in text alike).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const checkingDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes bytes known to be valid UTF-8 (our own normalised output). */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

/** Decodes bytes read from a file: malformed UTF-8 throws a TypeError. */
export function decodeUtf8Checked(bytes: Uint8Array): string {
  return checkingDecoder.decode(bytes);
}
