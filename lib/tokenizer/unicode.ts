/**
 * Fast lookups over the generated Python Unicode tables (unicode-tables.ts): one flag
 * byte per code point plus small maps for the few characters that change.
 */
import {
  CASED_RANGES, CASE_IGNORABLE_RANGES, DIGIT_RANGES, LOWER_MAP, NFKD_STRIP_MAP, SPACE_RANGES,
} from './unicode-tables';

export const SPACE = 1;
export const DIGIT = 2;
export const CASED = 4;
export const CASE_IGNORABLE = 8;
export const HAS_LOWER = 16;
export const HAS_NFKD = 32;

const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;

/** Flag bits per code point (1.1 MB, built once on first use). */
let flagTable: Uint8Array | null = null;
let lowerTable: Map<number, Int32Array> | null = null;
let nfkdTable: Map<number, Int32Array> | null = null;

export function flags(): Uint8Array {
  if (flagTable === null) flagTable = buildFlags();
  return flagTable;
}

function buildFlags(): Uint8Array {
  const f = new Uint8Array(0x110000);
  const mark = (ranges: readonly number[], bit: number): void => {
    for (let i = 0; i < ranges.length; i += 2) for (let c = ranges[i]; c <= ranges[i + 1]; c++) f[c] |= bit;
  };
  mark(SPACE_RANGES, SPACE);
  mark(DIGIT_RANGES, DIGIT);
  mark(CASED_RANGES, CASED);
  mark(CASE_IGNORABLE_RANGES, CASE_IGNORABLE);
  for (const [cp] of LOWER_MAP) f[cp] |= HAS_LOWER;
  for (const [cp] of NFKD_STRIP_MAP) f[cp] |= HAS_NFKD;
  for (let c = HANGUL_FIRST; c <= HANGUL_LAST; c++) f[c] |= HAS_NFKD;
  return f;
}

function toCodePoints(s: string): Int32Array {
  return Int32Array.from(Array.from(s, (ch) => ch.codePointAt(0)!));
}

/** Python's single-character str.lower() of cp (only valid where HAS_LOWER is set). */
export function lowerOf(cp: number): Int32Array {
  if (lowerTable === null) lowerTable = new Map(LOWER_MAP.map(([c, s]) => [c, toCodePoints(s)]));
  return lowerTable.get(cp)!;
}

/** NFKD of cp with combining marks removed (only valid where HAS_NFKD is set). */
export function nfkdStripOf(cp: number): Int32Array {
  if (cp >= HANGUL_FIRST && cp <= HANGUL_LAST) return hangul(cp);
  if (nfkdTable === null) nfkdTable = new Map(NFKD_STRIP_MAP.map(([c, s]) => [c, toCodePoints(s)]));
  return nfkdTable.get(cp)!;
}

/** Canonical Hangul syllable decomposition (Unicode ch. 3.12): L V (T). */
function hangul(cp: number): Int32Array {
  const s = cp - HANGUL_FIRST;
  const t = s % 28;
  const l = 0x1100 + Math.floor(s / 588);
  const v = 0x1161 + Math.floor((s % 588) / 28);
  return t === 0 ? Int32Array.of(l, v) : Int32Array.of(l, v, 0x11a7 + t);
}

/** Python's str.strip(): trims str.isspace() characters (JS trim() also drops U+FEFF and others). */
export function pythonStrip(s: string): string {
  const f = flags();
  let a = 0;
  let b = s.length;
  while (a < b && (f[s.charCodeAt(a)] & SPACE) !== 0) a++;
  while (b > a && (f[s.charCodeAt(b - 1)] & SPACE) !== 0) b--;
  return s.slice(a, b);
}
