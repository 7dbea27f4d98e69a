// Folders with a tokenizer.json and no spiece.model: the tokenizer rebuilt from the JSON gives
// the golden ids of the spiece.model it was converted from, on every golden line. The JSON is
// written the way transformers' AlbertConverter writes it (bench/tokenizer/hf-json.mjs),
// digit-comma score penalty included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlbertTokenizer } from 'albert-native';
import { buildTokenizerJson } from '../../bench/tokenizer/hf-json.mjs';
import { rejectsWithCode } from '../helpers/assert.mjs';
import { withFolder } from '../helpers/folder.mjs';
import { ALBERT_30K, TINY_1000, readJsonl, label } from './fixtures.mjs';

const CASES = [
  { model: ALBERT_30K, file: 'golden-albert-30k.jsonl' },
  { model: TINY_1000, file: 'golden-tiny-1000.jsonl' },
];

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

for (const { model, file } of CASES) {
  test(`${file}: a tokenizer.json-only folder gives every golden line's pieces, ids and decoding`, async () => {
    const lines = readJsonl(file);
    const fromSpiece = AlbertTokenizer.fromFile(model);
    await withFolder({ 'tokenizer.json': buildTokenizerJson(model) }, async (dir) => {
      const tok = await AlbertTokenizer.fromPretrained(dir);
      // The converter lowered the digit-comma pieces' scores by 100; the reader restores them.
      for (let id = 0; id < fromSpiece.vocabSize; ++id) {
        if (tok.sp.getScore(id) !== fromSpiece.sp.getScore(id)) assert.unreachable(`piece ${id} ${fromSpiece.sp.idToPiece(id)}: score ${tok.sp.getScore(id)}`);
      }
      const failures = [];
      for (const g of lines) {
        const raw = tok.sp.encode(g.text);
        const enc = tok.encode(g.text, null, { addSpecialTokens: false, returnTokens: true });
        if (!same(raw.ids, g.raw.ids)) failures.push(`${label(g.text)}: raw ids`);
        else if (!same(enc.tokens, g.albert.pieces) || !same(enc.inputIds, g.albert.ids)) failures.push(`${label(g.text)}: ALBERT ids`);
        else if (tok.sp.decode(g.albert.ids) !== g.decoded) failures.push(`${label(g.text)}: decoding`);
      }
      assert.is(failures.length, 0, `${failures.length} of ${lines.length} lines differ:\n${failures.slice(0, 5).join('\n')}`);
      // The special tokens keep their ids and stay atomic.
      assert.equal([tok.clsTokenId, tok.sepTokenId, tok.maskTokenId, tok.padTokenId, tok.unkTokenId],
        [fromSpiece.clsTokenId, fromSpiece.sepTokenId, fromSpiece.maskTokenId, fromSpiece.padTokenId, fromSpiece.unkTokenId]);
      assert.equal(tok.encode('a [MASK] b').inputIds, fromSpiece.encode('a [MASK] b').inputIds);
    });
  });
}

test('the normalizer implies the preprocessing; tokenizer_config.json and options still win', async () => {
  const json = buildTokenizerJson(TINY_1000);
  // A converter run with keep_accents=True, do_lower_case=False leaves these steps out.
  json.normalizer.normalizers = json.normalizer.normalizers.filter((n) => !['NFKD', 'StripAccents', 'Lowercase'].includes(n.type));
  const text = 'Café NAÏVE';
  const cased = AlbertTokenizer.fromFile(TINY_1000, { doLowerCase: false, keepAccents: true });
  const lower = AlbertTokenizer.fromFile(TINY_1000);
  await withFolder({ 'tokenizer.json': json }, async (dir) => {
    assert.equal((await AlbertTokenizer.fromPretrained(dir)).tokenize(text), cased.tokenize(text));
    assert.equal((await AlbertTokenizer.fromPretrained(dir, { doLowerCase: true, keepAccents: false })).tokenize(text), lower.tokenize(text));
  });
  await withFolder({ 'tokenizer.json': json, 'tokenizer_config.json': { do_lower_case: true, keep_accents: false } }, async (dir) => {
    assert.equal((await AlbertTokenizer.fromPretrained(dir)).tokenize(text), lower.tokenize(text));
  });
  // fromFile takes a tokenizer.json by its extension, with the same defaults.
  await withFolder({ 'tokenizer.json': json }, (dir) => {
    const path = join(dir, 'tokenizer.json');
    assert.equal(AlbertTokenizer.fromFile(path).tokenize(text), cased.tokenize(text));
    assert.equal(AlbertTokenizer.fromFile(path, { doLowerCase: undefined, keepAccents: false, removeSpace: true }).tokenize(text), AlbertTokenizer.fromFile(TINY_1000, { doLowerCase: false }).tokenize(text));
  });
});

test('older files: Metaspace with add_prefix_space inside a Sequence after WhitespaceSplit', async () => {
  const json = buildTokenizerJson(TINY_1000);
  json.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Metaspace', replacement: '\u2581', add_prefix_space: true }] };
  const want = AlbertTokenizer.fromFile(TINY_1000);
  await withFolder({ 'tokenizer.json': json }, async (dir) => {
    const tok = await AlbertTokenizer.fromPretrained(dir);
    for (const text of ['Hello world', '  spaced   out  ', 'It cost 1,000,000 dollars.']) assert.equal(tok.encode(text).inputIds, want.encode(text).inputIds, text);
  });
});

test('spiece.model wins over tokenizer.json; a folder with neither names both', async () => {
  const broken = { model: { type: 'BPE' } };
  await withFolder({ 'tokenizer.json': broken, 'spiece.model': readFileSync(TINY_1000) }, async (dir) => {
    const tok = await AlbertTokenizer.fromPretrained(dir);
    assert.is(tok.vocabSize, 1000);
  });
  await withFolder({}, (dir) => rejectsWithCode(AlbertTokenizer.fromPretrained(dir), 'ERR_NOT_FOUND', /neither spiece\.model nor tokenizer\.json/));
});

test('tokenizer.json files that are not an ALBERT SentencePiece tokenizer: ERR_CONFIG naming the problem', async () => {
  const good = buildTokenizerJson(TINY_1000);
  const variants = [
    ['{"model": ', /tokenizer\.json: not valid JSON/],
    [{ ...good, model: { ...good.model, type: 'BPE' } }, /a BPE model; ALBERT's tokenizer is Unigram/],
    [{ ...good, model: { ...good.model, unk_id: 5000 } }, /unk_id 5000 is not a piece id/],
    [{ ...good, model: { ...good.model, vocab: [['a', 'x']] } }, /vocab\[0\] is not a \[piece, score\] pair/],
    [{ ...good, pre_tokenizer: { type: 'ByteLevel' } }, /no Metaspace pre-tokenizer/],
    [{ ...good, normalizer: { type: 'BertNormalizer' } }, /a BertNormalizer normalizer/],
    [{ ...good, normalizer: { type: 'Precompiled', precompiled_charsmap: 'not base64!' } }, /precompiled_charsmap is not base64/],
    [{ ...good, added_tokens: [{ id: 7, content: '[CLS]', special: true }] }, /added token "\[CLS\]" \(id 7\) is not that piece/],
  ];
  for (const [content, pattern] of variants) {
    await withFolder({ 'tokenizer.json': content }, (dir) => rejectsWithCode(AlbertTokenizer.fromPretrained(dir), 'ERR_CONFIG', pattern));
  }
});

test.run();
