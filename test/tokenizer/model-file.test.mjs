// Loading: corrupt, truncated and unsupported model files fail with a clear error that
// names the file; byte fallback, user-defined and unused pieces behave like C++
// SentencePiece (expected values below were produced with spm_encode/spm_decode 0.1.97 on
// the same generated models).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlbertError, AlbertTokenizer, SentencePieceProcessor } from 'albert-native';
import { ALBERT_30K, TINY_1000 } from './fixtures.mjs';
import { buildModel, findModelTypeOffset, ModelType, PieceType } from './model-builder.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'albert-tok-'));
const tinyBytes = readFileSync(TINY_1000);

function expectLoadError(path, pattern) {
  try {
    SentencePieceProcessor.fromFile(path);
  } catch (e) {
    assert.instance(e, AlbertError);
    assert.ok(e.message.includes(path), `message should name the file: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.unreachable(`${path} should not load`);
}

test('truncated model files are refused, naming the file', () => {
  for (const cut of [0, 1, 7, 100, 5000, tinyBytes.length >> 1, tinyBytes.length - 100, tinyBytes.length - 1]) {
    const path = join(tmp, `tiny-cut-${cut}.model`);
    writeFileSync(path, tinyBytes.subarray(0, cut));
    const e = expectLoadError(path);
    assert.is(e.code, 'ERR_CONFIG');
  }
});

test('corrupt model files are refused, naming the file', () => {
  const garbage = join(tmp, 'garbage.model');
  writeFileSync(garbage, Buffer.from('this is not a protobuf at all, just some text\n'.repeat(20)));
  expectLoadError(garbage);
  const flipped = Buffer.from(tinyBytes);
  for (let i = 1000; i < 1100; i++) flipped[i] ^= 0xa5;
  const path = join(tmp, 'flipped.model');
  writeFileSync(path, flipped);
  expectLoadError(path);
});

test('fromBuffer names its source; missing files give ERR_NOT_FOUND', () => {
  assert.throws(() => SentencePieceProcessor.fromBuffer(tinyBytes.subarray(0, 999), 'my-model.bin'), /my-model\.bin/);
  const missing = join(tmp, 'nope', 'spiece.model');
  try {
    SentencePieceProcessor.fromFile(missing);
    assert.unreachable();
  } catch (e) {
    assert.is(e.code, 'ERR_NOT_FOUND');
    assert.ok(e.message.includes(missing));
  }
});

test('BPE / WORD / CHAR models are refused with a clear error', () => {
  const at = findModelTypeOffset(tinyBytes);
  assert.ok(at > 0);
  assert.is(tinyBytes[at], ModelType.UNIGRAM);
  for (const [type, name] of [[ModelType.BPE, 'BPE'], [ModelType.WORD, 'WORD'], [ModelType.CHAR, 'CHAR']]) {
    const edited = Buffer.from(tinyBytes);
    edited[at] = type;
    const path = join(tmp, `tiny-${name}.model`);
    writeFileSync(path, edited);
    expectLoadError(path, new RegExp(`${name}.*not supported`));
  }
  const built = buildModel({ pieces: [{ piece: '<unk>', type: PieceType.UNKNOWN }, { piece: 'a' }], trainer: { modelType: ModelType.BPE } });
  assert.throws(() => SentencePieceProcessor.fromBuffer(built, 'bpe.model'), /BPE/);
});

test('models without <unk> or with duplicate pieces are refused', () => {
  assert.throws(() => SentencePieceProcessor.fromBuffer(buildModel({ pieces: [{ piece: 'a' }] }), 'x'), /<unk>/);
  const dup = buildModel({ pieces: [{ piece: '<unk>', type: PieceType.UNKNOWN }, { piece: 'a' }, { piece: 'a' }] });
  assert.throws(() => SentencePieceProcessor.fromBuffer(dup, 'x'), /twice/);
});

const BYTE_PIECES = Array.from({ length: 256 }, (_, b) => ({ piece: `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, type: PieceType.BYTE }));
const SMALL = [
  { piece: '<pad>', type: PieceType.CONTROL },
  { piece: '<unk>', type: PieceType.UNKNOWN },
  { piece: '[CLS]', type: PieceType.CONTROL },
  ...BYTE_PIECES,
  { piece: '<sep>', type: PieceType.USER_DEFINED },
  { piece: '▁', score: -2 }, { piece: 'a', score: -3 }, { piece: 'b', score: -3 }, { piece: '▁ab', score: -4 },
  { piece: 'ab', score: -4.5 }, { piece: '▁a', score: -3.5 }, { piece: 'c', score: -5 },
  { piece: 'zz', score: -1, type: PieceType.UNUSED }, { piece: 'z', score: -6 },
];

test('byte fallback: unknown characters become their UTF-8 byte pieces (as spm_encode)', () => {
  const sp = SentencePieceProcessor.fromBuffer(buildModel({ pieces: SMALL, trainer: { byteFallback: true } }), 'bf.model');
  const cases = [
    ['ab€ab', [263, 229, 133, 175, 264], '▁ab <0xE2> <0x82> <0xAC> ab'],
    [' ab  c€€ ', [263, 260, 266, 229, 133, 175, 229, 133, 175], '▁ab ▁ c <0xE2> <0x82> <0xAC> <0xE2> <0x82> <0xAC>'],
    ['a\u00e9b', [265, 198, 172, 262], '▁a <0xC3> <0xA9> b'],
  ];
  for (const [text, ids, pieces] of cases) {
    const r = sp.encode(text);
    assert.equal(r.ids, ids, text);
    assert.is(r.pieces.join(' '), pieces);
  }
  assert.is(sp.decode([263, 229, 133, 175, 264]), 'ab€ab');
  assert.is(sp.decode([263, 260, 266, 229, 133, 175, 229, 133, 175]), 'ab c€€');
  // A lone continuation byte or a cut sequence decodes to U+FFFD per byte, like SentencePiece.
  assert.is(sp.decode([263, 133, 229, 133]), 'ab\ufffd\ufffd\ufffd');
  const noBytes = buildModel({ pieces: SMALL, trainer: { byteFallback: false } });
  assert.throws(() => SentencePieceProcessor.fromBuffer(noBytes, 'x'), /byte_fallback/);
});

test('user-defined symbols are atomic and unused pieces are never produced (as spm_encode)', () => {
  const sp = SentencePieceProcessor.fromBuffer(buildModel({ pieces: SMALL.filter((p) => p.type !== PieceType.BYTE) }), 'ud.model');
  assert.is(sp.encode('a<sep>b').pieces.join(' '), '▁a <sep> b');
  assert.is(sp.encode('ab<sep><sep>c').pieces.join(' '), '▁ab <sep> <sep> c');
  assert.is(sp.encode('zzz').pieces.join(' '), '▁ z z z');
  assert.is(sp.encode(' ab  c€€ ').pieces.join(' '), '▁ab ▁ c €€');
  assert.is(sp.encode(' ab  c€€ ').ids[3], sp.unkId);
});

test('AlbertTokenizer.fromPretrained reads spiece.model and tokenizer_config.json', async () => {
  const dir = mkdtempSync(join(tmp, 'pretrained-'));
  copyFileSync(ALBERT_30K, join(dir, 'spiece.model'));
  const lower = await AlbertTokenizer.fromPretrained(dir);
  assert.equal(lower.tokenize('Café Müller'), AlbertTokenizer.fromFile(ALBERT_30K).tokenize('Café Müller'));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({
    do_lower_case: false, keep_accents: true, remove_space: true, model_max_length: 64,
    mask_token: { content: '[MASK]', lstrip: true, rstrip: false }, clean_up_tokenization_spaces: true,
  }));
  const cased = await AlbertTokenizer.fromPretrained(dir);
  assert.is(lower.cleanUpTokenizationSpaces, false);
  assert.is(cased.cleanUpTokenizationSpaces, true);
  assert.is(cased.decode(cased.encode('Hi , you .').inputIds, { skipSpecialTokens: true }), 'Hi, you.');
  assert.equal(cased.tokenize('Café Müller'), AlbertTokenizer.fromFile(ALBERT_30K, { doLowerCase: false, keepAccents: true }).tokenize('Café Müller'));
  assert.is(cased.tokenize('Müller').join('').includes('ü'), true);
  assert.is(cased.modelMaxLength, 64);
  assert.is(cased.encode('wort '.repeat(200), null, { truncation: true }).inputIds.length, 64);
  const override = await AlbertTokenizer.fromPretrained(dir, { doLowerCase: true });
  assert.is(override.tokenize('ABC').join(''), override.tokenize('abc').join(''));
  try {
    await AlbertTokenizer.fromPretrained(join(tmp, 'missing-dir'));
    assert.unreachable();
  } catch (e) {
    assert.is(e.code, 'ERR_NOT_FOUND');
    assert.match(e.message, /missing-dir/);
  }
});

test('a piece that starts with U+FEFF keeps it, as C++ SentencePiece reads the bytes', () => {
  const model = buildModel({
    pieces: [
      { piece: '<unk>', type: PieceType.UNKNOWN },
      { piece: '\ufeffab', score: -1 },
      { piece: 'ab', score: -1 },
      { piece: 'a', score: -2 },
      { piece: 'b', score: -2 },
    ],
    normalizer: { addDummyPrefix: false },
  });
  const sp = SentencePieceProcessor.fromBuffer(model, 'bom.model');
  assert.is(sp.idToPiece(1), '\ufeffab');
  assert.is(sp.pieceToId('\ufeffab'), 1);
  assert.is(sp.pieceToId('ab'), 2);
  assert.equal(sp.encode('\ufeffab').ids, [1]);
  assert.equal(sp.encode('ab').ids, [2]);
  // Text decoded back from bytes keeps it too.
  assert.is(sp.normalize('\ufeffab'), '\ufeffab');
  assert.is(sp.decode([1, 2]), '\ufeffabab');
});

test.run();
