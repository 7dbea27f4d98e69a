// Every line of the golden files must match exactly: raw SentencePiece (ids + pieces),
// the ALBERT path (preprocessed text, pieces, ids) and sp.decode of the ALBERT ids.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertTokenizer, SentencePieceProcessor } from 'albert-native';
import { ALBERT_30K, TINY_1000, readJsonl, label } from './fixtures.mjs';

const CASES = [
  { model: ALBERT_30K, file: 'golden-albert-30k.jsonl', lines: 3115 },
  { model: TINY_1000, file: 'golden-tiny-1000.jsonl', lines: 474 },
];

/** Compares every line and reports the first few mismatches (one assert per file). */
function checkAll(lines, check) {
  const failures = [];
  for (const g of lines) {
    const problem = check(g);
    if (problem) failures.push(`${label(g.text)}: ${problem}`);
  }
  assert.is(failures.length, 0, `${failures.length} of ${lines.length} lines differ:\n${failures.slice(0, 5).join('\n')}`);
}

const same = (got, want) => JSON.stringify(got) === JSON.stringify(want);
const diff = (what, got, want) => `${what} got ${JSON.stringify(got).slice(0, 200)} want ${JSON.stringify(want).slice(0, 200)}`;

for (const { model, file, lines: count } of CASES) {
  const lines = readJsonl(file);
  const sp = SentencePieceProcessor.fromFile(model);
  const tok = AlbertTokenizer.fromFile(model);

  test(`${file}: has ${count} lines`, () => {
    assert.is(lines.length, count);
  });

  test(`${file}: raw SentencePiece ids and pieces`, () => {
    checkAll(lines, (g) => {
      const r = sp.encode(g.text);
      if (!same(r.pieces, g.raw.pieces)) return diff('pieces', r.pieces, g.raw.pieces);
      if (!same(r.ids, g.raw.ids)) return diff('ids', r.ids, g.raw.ids);
      if (!same(sp.encodeIds(g.text), g.raw.ids)) return 'encodeIds differs from encode';
      return null;
    });
  });

  test(`${file}: ALBERT preprocessed text`, () => {
    checkAll(lines, (g) => {
      const p = tok.preprocess(g.text);
      return p === g.albert.preprocessed ? null : diff('preprocessed', p, g.albert.preprocessed);
    });
  });

  test(`${file}: ALBERT pieces and ids`, () => {
    checkAll(lines, (g) => {
      const pieces = tok.tokenize(g.text);
      if (!same(pieces, g.albert.pieces)) return diff('pieces', pieces, g.albert.pieces);
      const enc = tok.encode(g.text, null, { addSpecialTokens: false, returnTokens: true });
      if (!same(enc.inputIds, g.albert.ids)) return diff('ids', enc.inputIds, g.albert.ids);
      if (!same(enc.tokens, g.albert.pieces)) return diff('encode tokens', enc.tokens, g.albert.pieces);
      return null;
    });
  });

  test(`${file}: sp.decode of the ALBERT ids`, () => {
    checkAll(lines, (g) => {
      const d = sp.decode(g.albert.ids);
      return d === g.decoded ? null : diff('decoded', d, g.decoded);
    });
  });

  test(`${file}: encode with [CLS]/[SEP] wraps the ALBERT ids`, () => {
    checkAll(lines, (g) => {
      const ids = tok.encode(g.text).inputIds;
      const want = [tok.clsTokenId, ...g.albert.ids, tok.sepTokenId];
      return same(ids, want) ? null : diff('ids', ids, want);
    });
  });
}

test.run();
