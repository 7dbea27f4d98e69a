// Offsets: [start, end) UTF-16 ranges of the original text, traced through ALBERT
// preprocessing, the charsmap and U+2581 handling (the U+2581 itself is not in the span).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertTokenizer } from 'albert-native';
import { ALBERT_30K, TINY_1000, readJsonl, label } from './fixtures.mjs';

const tok = AlbertTokenizer.fromFile(ALBERT_30K);
const tiny = AlbertTokenizer.fromFile(TINY_1000);
const golden = readJsonl('golden-albert-30k.jsonl');
const ascii = golden.map((g) => g.text).filter((t) => /^[\x20-\x7e]+$/.test(t));

const encodeWithOffsets = (t, text) => t.encode(text, null, { addSpecialTokens: false, returnOffsets: true, returnTokens: true });

test('plain ASCII: the preprocessed span of every token is its piece without U+2581', () => {
  assert.ok(ascii.length > 500);
  for (const t of [tok, tiny]) {
    for (const text of ascii) {
      const enc = encodeWithOffsets(t, text);
      enc.tokens.forEach((piece, i) => {
        const [s, e] = enc.offsets[i];
        const want = piece.replaceAll('\u2581', '');
        if (t.preprocess(text.slice(s, e)) !== want) {
          assert.unreachable(`${label(text)} token ${i} ${JSON.stringify(piece)} has span ${s}-${e} = ${JSON.stringify(text.slice(s, e))}`);
        }
        if (want.length > 0) assert.not.ok(/^\s/.test(text.slice(s, e)), 'spans start after the space');
      });
    }
  }
});

test('any text: spans are within bounds, monotone and never split a surrogate pair', () => {
  for (const g of golden) {
    const text = g.text;
    const enc = encodeWithOffsets(tok, text);
    let prevStart = 0;
    let prevEnd = 0;
    for (const [s, e] of enc.offsets) {
      if (!(s >= 0 && s <= e && e <= text.length && s >= prevStart && e >= prevEnd)) {
        assert.unreachable(`${label(text)}: bad span ${s}-${e} after ${prevStart}-${prevEnd}`);
      }
      for (const p of [s, e]) {
        const low = text.charCodeAt(p);
        const high = text.charCodeAt(p - 1);
        if (p > 0 && p < text.length && low >= 0xdc00 && low < 0xe000 && high >= 0xd800 && high < 0xdc00) {
          assert.unreachable(`${label(text)}: offset ${p} splits a surrogate pair`);
        }
      }
      prevStart = s;
      prevEnd = e;
    }
  }
});

test('offsets survive lowercasing, accents, NFKD, quotes and collapsed spaces', () => {
  const text = '  Café\u00a0\u00a0MÜLLER ``hi\'\' ﬁne 𝐀bc  ';
  const enc = encodeWithOffsets(tok, text);
  const pieces = enc.tokens.filter((p) => p !== '\u2581');
  const spans = enc.offsets.filter((_, i) => enc.tokens[i] !== '\u2581').map(([s, e]) => text.slice(s, e));
  assert.ok(spans.join('').replaceAll(' ', '').length > 0);
  // Every non-space token maps to a non-empty slice that preprocesses to its own text.
  pieces.forEach((p, i) => assert.is(tok.preprocess(spans[i]), p.replaceAll('\u2581', '')));
  // The quote pair becomes one '"' token covering both characters.
  assert.ok(spans.includes('``'));
  assert.ok(spans.includes("''"));
});

test('digit-comma re-encoded pieces get the digits and the comma separately', () => {
  const text = 'Im Jahr 2014, als am 12/05, alles';
  const enc = encodeWithOffsets(tok, text);
  const slices = enc.offsets.map(([s, e]) => text.slice(s, e));
  const i = enc.tokens.indexOf('\u25812014');
  assert.ok(i > 0, enc.tokens.join(' '));
  assert.is(slices[i], '2014');
  assert.is(enc.tokens[i + 1], ',');
  assert.is(slices[i + 1], ',');
  const j = enc.tokens.indexOf('05');
  assert.is(slices[j], '05');
  assert.is(slices[j + 1], ',');
});

test('special and pad tokens get [0, 0]; pair offsets index into the pair text', () => {
  const enc = tok.encode('hello world', 'zweiter satz', { returnOffsets: true, returnTokens: true, padding: 'max_length', maxLength: 16 });
  enc.specialTokensMask.forEach((m, i) => { if (m === 1) assert.equal(enc.offsets[i], [0, 0]); });
  const second = enc.offsets.filter((_, i) => enc.tokenTypeIds[i] === 1 && enc.specialTokensMask[i] === 0 && enc.tokens[i] !== '\u2581');
  assert.is(second.map(([s, e]) => 'zweiter satz'.slice(s, e)).join(''), 'zweitersatz');
});

test('unknown runs span the whole run', () => {
  const text = 'ab 😀😀😀 cd';
  const enc = encodeWithOffsets(tiny, text);
  const k = enc.inputIds.indexOf(tiny.unkTokenId);
  assert.ok(k >= 0);
  const [s, e] = enc.offsets[k];
  assert.is(text.slice(s, e), '😀😀😀');
});

test.run();
