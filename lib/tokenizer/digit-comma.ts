/**
 * HF AlbertTokenizer._tokenize's digit-comma rule: a piece like "▁2014," (ending in a
 * digit and a comma) is re-encoded without the comma and without U+2581, keeps a leading
 * U+2581 only if the piece had one, and gets a separate "," piece. It is a re-encode, not a
 * score tweak: "10/12," becomes "▁10 / 12 ,".
 */
import type { SentencePieceProcessor } from './sentencepiece';
import { DIGIT, flags } from './unicode';

const SPACE_SYMBOL = '\u2581';

/** The pieces that replace `piece`. */
export function splitDigitComma(sp: SentencePieceProcessor, piece: string): string[] {
  const q = sp.encode(piece.slice(0, -1).split(SPACE_SYMBOL).join('')).pieces;
  if (!piece.startsWith(SPACE_SYMBOL) && q.length > 0 && q[0].startsWith(SPACE_SYMBOL)) {
    if (q[0] === SPACE_SYMBOL) q.shift();
    else q[0] = q[0].slice(1);
  }
  q.push(',');
  return q;
}

/** Python: len(p) > 1 and p[-1] == "," and p[-2].isdigit(). */
export function needsDigitCommaRule(piece: string): boolean {
  if (piece.length < 2 || piece.charCodeAt(piece.length - 1) !== 0x2c) return false;
  const before = piece.codePointAt(piece.length - 2)!;
  // A low surrogate here means the digit is astral: read the whole pair.
  const cp = before >= 0xdc00 && before < 0xe000 && piece.length >= 3 ? piece.codePointAt(piece.length - 3)! : before;
  return (flags()[cp] & DIGIT) !== 0;
}

/**
 * Offsets for the pieces the digit-comma rule made out of one token: when the original
 * text behind the token has one code point per non-U+2581 character of the new pieces (the
 * usual case: digits, '/', ','), each piece gets its own characters; otherwise every
 * piece gets the whole token's span.
 */
export function splitSpan(text: string, span: [number, number], pieces: string[]): Array<[number, number]> {
  const chars = Array.from(text.slice(span[0], span[1]));
  const counts = pieces.map((p) => Array.from(p.split(SPACE_SYMBOL).join('')).length);
  if (counts.reduce((s, c) => s + c, 0) !== chars.length) return pieces.map(() => [span[0], span[1]]);
  const out: Array<[number, number]> = [];
  let pos = span[0];
  let c = 0;
  for (const n of counts) {
    const start = pos;
    for (let k = 0; k < n; k++) pos += chars[c++].length;
    out.push([start, pos]);
  }
  return out;
}

