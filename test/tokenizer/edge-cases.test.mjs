// Unicode edge cases, wrong argument types and very long input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertTokenizer, SentencePieceProcessor } from 'albert-native';
import { ALBERT_30K, TINY_1000 } from './fixtures.mjs';

const sp = SentencePieceProcessor.fromFile(ALBERT_30K);
const tok = AlbertTokenizer.fromFile(ALBERT_30K);
const tiny = AlbertTokenizer.fromFile(TINY_1000);

const NASTY = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'a\udc00b', 'x\ud83d', '\ud83d\ude00\ud83d', '\udfff\ud800',
  '\u200b', '\u200b\u200b a \u200d', '\ufeffBOM', '\u2060\u180e', 'a\u0085b', '\u001c\u001d\u001e\u001f',
  '\u2028\u2029', '\u00ad', '\u0301\u0301', 'e\u0301\u0302\u0303', '\u202e reversed \u202c', '\uffff\ufffe',
  '\u{10ffff}\u{e0001}', '\u2581', '\u2581\u2581 \u2581', '\t\n\r\v\f', '𝐀𝐁𝐂 ΟΔΟΣ 𝚺', 'ﬁ ﬀ ﬃ', '①②③ ⅻ',
  '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}', '\u0e01\u0e34\u0e19', 'İstanbul ǅ', '``quoted\'\'', '[MASK', '<pad',
];

test('odd Unicode never throws, and ids stay in range', () => {
  for (const text of NASTY) {
    for (const t of [tok, tiny]) {
      const enc = t.encode(text, text, { returnOffsets: true, returnTokens: true });
      for (const id of enc.inputIds) assert.ok(id >= 0 && id < t.vocabSize);
      t.decode(enc.inputIds);
      t.decode(enc.inputIds, { skipSpecialTokens: true });
    }
    const r = sp.encode(text);
    assert.is(r.ids.length, r.pieces.length);
    sp.decode(r.ids);
  }
});

test('empty and all-whitespace input', () => {
  assert.equal(sp.encode(''), { ids: [], pieces: [] });
  assert.equal(tok.tokenize(''), []);
  assert.equal(tok.tokenize(' \t\n\u3000 '), []);
  assert.equal(tok.encode('').inputIds, [tok.clsTokenId, tok.sepTokenId]);
  assert.equal(tok.encode('', '').inputIds, [tok.clsTokenId, tok.sepTokenId, tok.sepTokenId]);
  assert.is(sp.decode([]), '');
  assert.is(tok.decode([]), '');
});

test('zero-width and control characters follow the charsmap', () => {
  assert.equal(sp.encode('\u200b').ids, []);
  // U+0085 is not in the charsmap (an unknown piece), but Python's isspace() knows it.
  assert.equal(sp.encode('a\u0085b'), { ids: [470, 1, 210], pieces: ['▁a', '\u0085', 'b'] });
  assert.equal(tok.tokenize('a\u0085b'), ['▁a', '▁b']);
});

test('lone surrogates are treated as U+FFFD and do not break neighbours', () => {
  assert.equal(sp.encode('a\ud800b').pieces, sp.encode('a\ufffdb').pieces);
  const enc = tok.encode('ab \ud800 cd', null, { returnOffsets: true, addSpecialTokens: false });
  assert.ok(enc.inputIds.length >= 3);
});

test('non-string input throws TypeError', () => {
  const bad = [undefined, null, 42, {}, ['a'], Buffer.from('a'), Symbol('x')];
  for (const v of bad) {
    assert.throws(() => sp.encode(v), (e) => e instanceof TypeError);
    assert.throws(() => sp.encodeIds(v), (e) => e instanceof TypeError);
    assert.throws(() => tok.tokenize(v), (e) => e instanceof TypeError);
    assert.throws(() => tok.encode(v), (e) => e instanceof TypeError);
    assert.throws(() => tok.preprocess(v), (e) => e instanceof TypeError);
    if (v !== undefined && v !== null) assert.throws(() => tok.encode('a', v), (e) => e instanceof TypeError);
    assert.throws(() => tok.encodeBatch([v]), (e) => e instanceof TypeError);
  }
  assert.throws(() => tok.encodeBatch('abc'), (e) => e instanceof TypeError);
  assert.throws(() => sp.pieceToId(5), (e) => e instanceof TypeError);
  assert.throws(() => sp.decode('abc'), (e) => e instanceof TypeError);
  assert.throws(() => sp.idToPiece(sp.vocabSize), (e) => e instanceof RangeError);
  assert.throws(() => sp.decode([-1]), (e) => e instanceof RangeError);
});

test('a 100k-character input is fast and matches piecewise expectations', () => {
  const unit = 'Der Zug nach Köln fährt um 10:15 Uhr ab. 😀 Über 2014, ΟΔΟΣ — “quotes” ';
  let text = '';
  while (text.length < 100_000) text += unit;
  const t0 = performance.now();
  const enc = tok.encode(text, null, { returnOffsets: true, addSpecialTokens: false });
  const raw = sp.encode(text);
  const ms = performance.now() - t0;
  assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
  assert.ok(enc.inputIds.length > 20_000);
  assert.ok(raw.ids.length > 20_000);
  // Without whitespace, one huge "word" with no piece boundaries must not blow up either.
  const word = 'x'.repeat(100_000);
  const t1 = performance.now();
  assert.ok(sp.encode(word).ids.length > 0);
  assert.ok(performance.now() - t1 < 3000);
  // Repeating a unit tokenizes to (almost exactly) repeated ids: compare the middle.
  const one = tok.encode(unit.trim(), null, { addSpecialTokens: false }).inputIds;
  assert.ok(enc.inputIds.length >= one.length * Math.floor(text.length / unit.length) - 5);
});

test('[MASK] and other special tokens written in the text are atomic', () => {
  const enc = tok.encode('the [MASK] is blue', null, { returnTokens: true, returnOffsets: true });
  assert.equal(enc.tokens, ['[CLS]', ...tok.tokenize('the'), '[MASK]', ...tok.tokenize('is blue'), '[SEP]']);
  assert.is(enc.inputIds[2], tok.maskTokenId);
  assert.is(tok.maskToken, '[MASK]');
  assert.is(tok.maskTokenId, 4);
  assert.equal(enc.offsets[2], [4, 10]);
  assert.equal(enc.offsets[1], [0, 3]);
  assert.equal(tok.tokenize('a[MASK]b'), ['▁a', '[MASK]', '▁b']);
  assert.equal(tok.tokenize('[CLS] x [SEP]'), ['[CLS]', '▁x', '[SEP]']);
  assert.equal(tok.tokenize('<pad><unk>'), ['<pad>', '<unk>']);
  // Only the exact strings are special (HF matches them case-sensitively).
  assert.not.ok(tok.tokenize('[mask]').includes('[MASK]'));
  const ids = tok.encode('paris is the [MASK] of france').inputIds;
  assert.is(ids.filter((id) => id === tok.maskTokenId).length, 1);
  // Whitespace before [MASK] is dropped (lstrip), so these agree.
  assert.equal(tok.encode('a   [MASK]').inputIds, tok.encode('a[MASK]').inputIds);
});

test('special token ids and names', () => {
  assert.equal(
    [tok.padTokenId, tok.unkTokenId, tok.clsTokenId, tok.sepTokenId, tok.maskTokenId],
    [0, 1, 2, 3, 4],
  );
  assert.equal([tok.padToken, tok.unkToken, tok.clsToken, tok.sepToken], ['<pad>', '<unk>', '[CLS]', '[SEP]']);
  assert.is(tok.vocabSize, 30000);
  assert.is(tiny.vocabSize, 1000);
  assert.is(sp.vocabSize, 30000);
  assert.is(sp.idToPiece(13), '▁');
  assert.is(sp.pieceToId('▁'), 13);
  assert.is(sp.pieceToId('no such piece'), 1);
});

test.run();
