// Batch encoding, truncation/padding options and decoding.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertTokenizer, SentencePieceProcessor } from 'albert-native';
import { ALBERT_30K, TINY_1000 } from './fixtures.mjs';

const tok = AlbertTokenizer.fromFile(ALBERT_30K);

test('encodeBatch pads to the longest item and returns Int32 tensors', () => {
  const items = ['kurz', ['ein etwas längerer text hier', 'und ein paar'], ''];
  const batch = tok.encodeBatch(items);
  const single = [tok.encode('kurz'), tok.encode(items[1][0], items[1][1]), tok.encode('')];
  const seq = Math.max(...single.map((e) => e.inputIds.length));
  for (const t of [batch.inputIds, batch.attentionMask, batch.tokenTypeIds]) {
    assert.instance(t.data, Int32Array);
    assert.equal(t.dims, [3, seq]);
  }
  single.forEach((e, b) => {
    const row = (t) => Array.from(t.data.subarray(b * seq, (b + 1) * seq));
    const padN = seq - e.inputIds.length;
    assert.equal(row(batch.inputIds), [...e.inputIds, ...Array(padN).fill(tok.padTokenId)]);
    assert.equal(row(batch.attentionMask), [...e.attentionMask, ...Array(padN).fill(0)]);
    assert.equal(row(batch.tokenTypeIds), [...e.tokenTypeIds, ...Array(padN).fill(0)]);
    assert.equal(batch.encodings[b].inputIds, row(batch.inputIds));
  });
});

test('encodeBatch with maxLength truncates and pads to maxLength', () => {
  const batch = tok.encodeBatch(['wort '.repeat(50), 'eins'], { maxLength: 12, padding: 'max_length' });
  assert.equal(batch.inputIds.dims, [2, 12]);
  assert.is(batch.encodings[0].inputIds[11], tok.sepTokenId);
  assert.is(batch.encodings[1].attentionMask.reduce((a, b) => a + b), tok.encode('eins').inputIds.length);
  assert.equal(tok.encodeBatch([]).inputIds.dims, [0, 0]);
});

test('encode options: no special tokens, truncation defaults, padding', () => {
  const text = 'eins zwei drei vier fünf sechs sieben acht neun zehn';
  const plain = tok.encode(text, null, { addSpecialTokens: false }).inputIds;
  assert.equal(tok.encode(text).inputIds, [2, ...plain, 3]);
  // maxLength alone implies longest_first truncation (HF's default when a length is given).
  assert.is(tok.encode(text, null, { maxLength: 5 }).inputIds.length, 5);
  assert.is(tok.encode(text, null, { maxLength: 5, truncation: false }).inputIds.length, plain.length + 2);
  assert.is(tok.encode(text, null, { maxLength: 5, addSpecialTokens: false }).inputIds.length, 5);
  const n = tok.encode('eins').inputIds.length;
  const padded = tok.encode('eins', null, { maxLength: 8, padding: 'max_length' });
  assert.equal(padded.attentionMask, [...Array(n).fill(1), ...Array(8 - n).fill(0)]);
  assert.equal(padded.inputIds.slice(n), Array(8 - n).fill(tok.padTokenId));
  assert.equal(padded.specialTokensMask.slice(-1), [1]);
  assert.is(tok.encode('eins', null, { padding: 'longest' }).inputIds.length, n);
  assert.throws(() => tok.encode('a', null, { truncation: 'sideways' }), (e) => e instanceof TypeError);
});

test('decode: SentencePiece decoding with HF special-token handling', () => {
  const text = 'hallo welt, wie geht es?';
  const ids = tok.encode(text).inputIds;
  assert.is(tok.decode(ids, { skipSpecialTokens: true }), text);
  assert.is(tok.decode(ids), '[CLS] hallo welt, wie geht es?[SEP]');
  const masked = tok.encode('das ist [MASK] gut').inputIds;
  assert.is(tok.decode(masked, { skipSpecialTokens: true }), 'das ist gut');
  assert.ok(tok.decode(masked).includes('[MASK]'));
  assert.equal(tok.convertIdsToTokens(tok.convertTokensToIds(['▁das', '[MASK]'])), ['▁das', '[MASK]']);
});

test('decode: cleanUpTokenizationSpaces removes the space before punctuation and contractions', () => {
  const text = "i do n't know . you 're here , are n't you ? it 's ' quoted ' ! we 've i 'm";
  const ids = tok.encode(text).inputIds;
  assert.is(tok.cleanUpTokenizationSpaces, false);
  assert.is(tok.decode(ids, { skipSpecialTokens: true }), text);
  // The rules run in turn over the whole text, as transformers does: " !" comes before " ' ",
  // which then no longer matches "quoted ' !".
  const cleaned = "i don't know. you're here, aren't you? it's'quoted '! we've i'm";
  assert.is(tok.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: true }), cleaned);
  const byDefault = AlbertTokenizer.fromFile(ALBERT_30K, { cleanUpTokenizationSpaces: true });
  assert.is(byDefault.decode(ids, { skipSpecialTokens: true }), cleaned);
  assert.is(byDefault.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false }), text);
  // Special tokens keep their place; the rules see the decoded text as a whole.
  assert.is(tok.decode(tok.encode('wie geht es ?').inputIds, { cleanUpTokenizationSpaces: true }), '[CLS] wie geht es?[SEP]');
});

test('sp.decode follows SentencePiece 0.1.97 (checked with spm_decode)', () => {
  const sp = SentencePieceProcessor.fromFile(ALBERT_30K);
  assert.is(sp.decode([1, 13, 1, 5]), ' \u2047   \u2047 (');
  assert.is(sp.decode([13, 13, 470]), 'a');
  assert.is(sp.decode([0, 13, 470]), 'a');
  assert.is(sp.decode([470, 13, 13, 470]), 'a   a');
  assert.is(sp.decode([0, 1, 0, 13, 470]), ' \u2047   a');
  assert.is(sp.decode(new Int32Array([470, 13, 470])), 'a  a');
});

test('tiny model: cased, English; most non-ASCII text is one <unk> run', () => {
  const tiny = AlbertTokenizer.fromFile(TINY_1000);
  const sp = SentencePieceProcessor.fromFile(TINY_1000);
  const r = sp.encode('😀😀😀');
  assert.equal(r.pieces.slice(-1), ['😀😀😀']);
  assert.equal(r.ids.slice(-1), [1]);
  assert.is(r.ids.filter((id) => id === 1).length, 1);
  assert.is(tiny.tokenize('ÄÖÜ').join(''), tiny.tokenize('aou').join(''));
  assert.not.equal(sp.encode('Hello').ids, sp.encode('hello').ids);
});

test.run();
