/**
 * SentencePiece's precompiled character map: the normalisation rules (e.g. nmt_nfkc)
 * compiled into a darts-clone double array plus a blob of NUL-terminated replacement
 * strings. Layout: uint32 LE trie size in bytes, the trie units, then the strings.
 *
 * A darts-clone unit packs (from darts.h):
 *   has_leaf = bit 8; value = bits 0..30; label = bits 0..7 and bit 31;
 *   offset = (unit >>> 10) << ((unit & (1 << 9)) >>> 6)   (bit 9 selects an 8-bit shift).
 */
export class PrecompiledCharsmap {
  private readonly units: Uint32Array;
  /** Replacement strings, each ending in a NUL byte. */
  readonly strings: Uint8Array;

  constructor(blob: Uint8Array) {
    if (blob.length <= 4) throw new Error('precompiled charsmap is too short');
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const trieSize = view.getUint32(0, true);
    if (trieSize >= blob.length || trieSize % 4 !== 0) throw new Error('precompiled charsmap trie size is invalid');
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.strings = blob.slice(4 + trieSize);
    if (this.units.length === 0) throw new Error('precompiled charsmap trie is empty');
  }

  /**
   * Longest rule matching a prefix of bytes[start, end).
   * Returns the match length in bytes (0 if none) and stores the replacement's offset
   * into `strings` in out[0].
   */
  longestMatch(bytes: Uint8Array, start: number, end: number, out: Int32Array): number {
    const units = this.units;
    const n = units.length;
    let unit = units[0];
    let pos = (unit >>> 10) << ((unit & 0x200) >>> 6);
    let best = 0;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      pos ^= c;
      if (pos >= n) break;
      unit = units[pos];
      // label(): low byte plus bit 31 (set on leaf units so they never match a label).
      if ((unit & 0x800000ff) >>> 0 !== c) break;
      pos ^= (unit >>> 10) << ((unit & 0x200) >>> 6);
      if ((unit >>> 8) & 1) {
        best = i + 1 - start;
        out[0] = units[pos] & 0x7fffffff;
      }
    }
    return best;
  }

  /**
   * For an ASCII byte c: the replacement offset of the rule for c alone (-1 if none), and
   * whether any longer rule continues c with another ASCII byte. Lets the normaliser skip
   * the trie for the common "ASCII followed by ASCII" case.
   */
  asciiRule(c: number): { offset: number; continuesWithAscii: boolean } {
    const one = Uint8Array.of(c, 0);
    const out = new Int32Array(1);
    const offset = this.longestMatch(one, 0, 1, out) === 1 ? out[0] : -1;
    let continuesWithAscii = false;
    for (let d = 0; d < 0x80 && !continuesWithAscii; d++) {
      one[1] = d;
      continuesWithAscii = this.longestMatch(one, 0, 2, out) === 2 || this.hasPathLongerThan(one);
    }
    return { offset, continuesWithAscii };
  }

  /** True if the trie has a node (leaf or not) for the two bytes in `two`. */
  private hasPathLongerThan(two: Uint8Array): boolean {
    const units = this.units;
    let pos = (units[0] >>> 10) << ((units[0] & 0x200) >>> 6);
    for (let i = 0; i < 2; i++) {
      pos ^= two[i];
      if (pos >= units.length) return false;
      const unit = units[pos];
      if ((unit & 0x800000ff) >>> 0 !== two[i]) return false;
      pos ^= (unit >>> 10) << ((unit & 0x200) >>> 6);
    }
    return true;
  }

  /** Byte length of the NUL-terminated replacement starting at `offset`. */
  replacementLength(offset: number): number {
    let e = offset;
    while (e < this.strings.length && this.strings[e] !== 0) e++;
    return e - offset;
  }
}
