/**
 * ALBERT's text preprocessing, as HF's slow AlbertTokenizer runs it before SentencePiece
 * (see test/fixtures/tokenizer/README.md, steps 1-6):
 *   1. per-character Python lower() (do_lower_case; no context rules, so Σ -> σ);
 *   2. remove_space: strip, split on Python str.isspace() runs, join with one U+0020;
 *   3. "``" -> '"', then "''" -> '"' (the passes touch different characters, so one
 *      left-to-right pass with one character of look-ahead does both);
 *   4-5. NFKD, then drop code points with canonical combining class != 0 (unless
 *      keep_accents) - done per character from a table generated with Python, which is
 *      exact because reordering only moves the marks that are dropped anyway;
 *   6. whole-string Python lower() (do_lower_case), i.e. step 1 plus Final_Sigma.
 * Every output code point remembers the [start, end) UTF-16 range of the input that
 * produced it, so token offsets can be traced back to the original text.
 */
import { CASED, CASE_IGNORABLE, flags, HAS_LOWER, HAS_NFKD, lowerOf, nfkdStripOf, SPACE } from './unicode';

export interface AlbertPreprocessOptions {
  doLowerCase: boolean;
  keepAccents: boolean;
  removeSpace: boolean;
}

/** Code points with their source ranges. */
export class CodePointBuffer {
  cps: Int32Array = new Int32Array(256);
  start: Int32Array = new Int32Array(256);
  end: Int32Array = new Int32Array(256);
  length = 0;

  push(cp: number, s: number, e: number): void {
    if (this.length === this.cps.length) this.grow();
    const n = this.length++;
    this.cps[n] = cp;
    this.start[n] = s;
    this.end[n] = e;
  }

  toString(): string {
    let out = '';
    for (let i = 0; i < this.length; i += 8192) {
      out += String.fromCodePoint(...this.cps.subarray(i, Math.min(this.length, i + 8192)));
    }
    return out;
  }

  private grow(): void {
    const cap = this.cps.length * 2;
    const g = (a: Int32Array): Int32Array => { const b = new Int32Array(cap); b.set(a); return b; };
    this.cps = g(this.cps);
    this.start = g(this.start);
    this.end = g(this.end);
  }
}

const GRAVE = 0x60;
const APOSTROPHE = 0x27;
const QUOTE = 0x22;
const CAPITAL_SIGMA = 0x3a3;

export class AlbertPreprocessor {
  private readonly flags = flags();
  private out = new CodePointBuffer();
  private spare = new CodePointBuffer();
  // remove_space state
  private emitted = false;
  private pendingSpace = false;
  private spaceStart = 0;
  private spaceEnd = 0;
  // quote state: a held ` or ' waiting to see whether the next character pairs with it
  private held = -1;
  private heldStart = 0;
  private heldEnd = 0;

  constructor(readonly options: AlbertPreprocessOptions) {}

  /** Preprocesses text[from, to); the returned buffer is reused by the next call. */
  run(text: string, from = 0, to = text.length): CodePointBuffer {
    this.out.length = 0;
    this.emitted = false;
    this.pendingSpace = false;
    this.held = -1;
    const lower = this.options.doLowerCase;
    for (let i = from; i < to; ) {
      let cp = text.charCodeAt(i);
      let len = 1;
      if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < to) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo < 0xe000) { cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00); len = 2; }
      }
      if (!lower) this.removeSpace(cp, i, i + len);
      else if (cp < 0x80) this.removeSpace(cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp, i, i + len);
      else if ((this.flags[cp] & HAS_LOWER) === 0) this.removeSpace(cp, i, i + len);
      else for (const c of lowerOf(cp)) this.removeSpace(c, i, i + len);
      i += len;
    }
    if (this.held >= 0) this.decompose(this.held, this.heldStart, this.heldEnd);
    return lower ? this.lowerWhole() : this.out;
  }

  /** Step 2. */
  private removeSpace(cp: number, s: number, e: number): void {
    if (this.options.removeSpace) {
      const isSpace = cp < 0x80 ? cp === 0x20 || (cp >= 9 && cp <= 13) || (cp >= 0x1c && cp <= 0x1f) : (this.flags[cp] & SPACE) !== 0;
      if (isSpace) {
        if (this.emitted) {
          if (!this.pendingSpace) { this.pendingSpace = true; this.spaceStart = s; }
          this.spaceEnd = e;
        }
        return;
      }
      if (this.pendingSpace) {
        this.pendingSpace = false;
        this.quotes(0x20, this.spaceStart, this.spaceEnd);
      }
      this.emitted = true;
    }
    this.quotes(cp, s, e);
  }

  /** Step 3. */
  private quotes(cp: number, s: number, e: number): void {
    if (this.held >= 0) {
      const held = this.held;
      this.held = -1;
      if (cp === held) { this.decompose(QUOTE, this.heldStart, e); return; }
      this.decompose(held, this.heldStart, this.heldEnd);
    }
    if (cp === GRAVE || cp === APOSTROPHE) {
      this.held = cp;
      this.heldStart = s;
      this.heldEnd = e;
      return;
    }
    this.decompose(cp, s, e);
  }

  /** Steps 4-5. */
  private decompose(cp: number, s: number, e: number): void {
    if (cp < 0x80 || this.options.keepAccents || (this.flags[cp] & HAS_NFKD) === 0) {
      this.out.push(cp, s, e);
    } else {
      for (const c of nfkdStripOf(cp)) this.out.push(c, s, e);
    }
  }

  /** Step 6: a no-op unless NFKD produced an upper-case character. */
  private lowerWhole(): CodePointBuffer {
    const src = this.out;
    let i = 0;
    while (i < src.length && !this.hasLower(src.cps[i])) i++;
    if (i === src.length) return src;
    const dst = this.spare;
    dst.length = 0;
    for (let k = 0; k < src.length; k++) {
      const cp = src.cps[k];
      if (!this.hasLower(cp)) dst.push(cp, src.start[k], src.end[k]);
      else if (cp === CAPITAL_SIGMA) dst.push(this.finalSigma(src, k) ? 0x3c2 : 0x3c3, src.start[k], src.end[k]);
      else if (cp < 0x80) dst.push(cp + 32, src.start[k], src.end[k]);
      else for (const c of lowerOf(cp)) dst.push(c, src.start[k], src.end[k]);
    }
    this.spare = src;
    this.out = dst;
    return dst;
  }

  private hasLower(cp: number): boolean {
    return cp < 0x80 ? cp >= 0x41 && cp <= 0x5a : (this.flags[cp] & HAS_LOWER) !== 0;
  }

  /** Python's handle_capital_sigma: cased (ignorable)* Σ not followed by (ignorable)* cased. */
  private finalSigma(buf: CodePointBuffer, i: number): boolean {
    const f = this.flags;
    let j = i - 1;
    while (j >= 0 && (f[buf.cps[j]] & CASE_IGNORABLE) !== 0) j--;
    if (j < 0 || (f[buf.cps[j]] & CASED) === 0) return false;
    j = i + 1;
    while (j < buf.length && (f[buf.cps[j]] & CASE_IGNORABLE) !== 0) j++;
    return j === buf.length || (f[buf.cps[j]] & CASED) === 0;
  }
}

/** The string ALBERT hands to SentencePiece (steps 1-6). */
export function albertPreprocess(text: string, options: AlbertPreprocessOptions): string {
  return new AlbertPreprocessor(options).run(text).toString();
}
