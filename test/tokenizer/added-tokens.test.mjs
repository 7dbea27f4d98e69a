// A folder whose tokenizer adds tokens past the SentencePiece vocabulary (added_tokens.json or
// tokenizer_config.json's added_tokens_decoder) is refused: transformers would split those
// tokens out of the text with their own ids, and tokenizing them as plain text would silently
// give other ids. Declarations that restate vocabulary pieces, as every saved ALBERT
// tokenizer_config.json does for its specials, load as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { AlbertTokenizer } from 'albert-native';
import { rejectsWithCode } from '../helpers/assert.mjs';
import { withFolder } from '../helpers/folder.mjs';
import { TINY_1000 } from './fixtures.mjs';

const SPIECE = readFileSync(TINY_1000);

// A folder with the tiny spiece.model and the given files.
const withTokenizerFolder = (files, fn) => withFolder({ 'spiece.model': SPIECE, ...files }, fn);

const plain = AlbertTokenizer.fromFile(TINY_1000);
const SPECIALS = Object.fromEntries(['<pad>', '<unk>', '[CLS]', '[SEP]', '[MASK]'].map((t) => [String(plain.sp.pieceToId(t)), { content: t, special: true }]));

test('specials restated in added_tokens_decoder or added_tokens.json load as before', async () => {
  const files = { 'tokenizer_config.json': { added_tokens_decoder: SPECIALS }, 'added_tokens.json': { '[MASK]': plain.maskTokenId } };
  await withTokenizerFolder(files, async (dir) => {
    const tok = await AlbertTokenizer.fromPretrained(dir);
    assert.equal(tok.encode('a [MASK] b').inputIds, plain.encode('a [MASK] b').inputIds);
  });
});

test('tokens past the vocabulary are refused, naming the file, token and id', async () => {
  const cases = [
    [{ 'added_tokens.json': { '<ent>': 1000 } }, /added_tokens\.json: it adds the token "<ent>" \(id 1000\)/],
    [{ 'tokenizer_config.json': { added_tokens_decoder: { ...SPECIALS, 1000: { content: '<ent>', special: false } } } }, /tokenizer_config\.json: it adds the token "<ent>" \(id 1000\)/],
    // An id inside the vocabulary that names another piece is no better.
    [{ 'added_tokens.json': { '<ent>': 7 } }, /"<ent>" \(id 7\), which is not that piece/],
  ];
  for (const [files, pattern] of cases) {
    await withTokenizerFolder(files, (dir) => rejectsWithCode(AlbertTokenizer.fromPretrained(dir), 'ERR_CONFIG', pattern));
  }
});

test.run();
