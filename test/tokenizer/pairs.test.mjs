// golden-pairs-albert-30k.jsonl: single texts and pairs with every truncation strategy and
// padding, HF AlbertTokenizer.__call__ semantics.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertTokenizer } from 'albert-native';
import { ALBERT_30K, readJsonl, label } from './fixtures.mjs';

const tok = AlbertTokenizer.fromFile(ALBERT_30K);
const lines = readJsonl('golden-pairs-albert-30k.jsonl');
const FIELDS = [
  ['input_ids', 'inputIds'],
  ['token_type_ids', 'tokenTypeIds'],
  ['attention_mask', 'attentionMask'],
  ['special_tokens_mask', 'specialTokensMask'],
];

const encodeCase = (g) =>
  tok.encode(g.text, g.text_pair, { maxLength: g.max_length, truncation: g.truncation, padding: g.padding });

test('pairs file has 307 cases covering every strategy', () => {
  assert.is(lines.length, 307);
  const strategies = new Set(lines.map((g) => String(g.truncation)));
  for (const s of ['longest_first', 'only_first', 'only_second', 'false']) assert.ok(strategies.has(s), s);
});

for (const [golden, ours] of FIELDS) {
  test(`pairs: ${golden}`, () => {
    const bad = lines.filter((g) => JSON.stringify(encodeCase(g)[ours]) !== JSON.stringify(g[golden]));
    assert.is(bad.length, 0, `${bad.length} cases differ, e.g. ${bad.slice(0, 3).map((g) => `${label(g.text)} ${g.truncation}/${g.max_length}`).join('; ')}`);
  });
}

test('pairs: truncationError marks exactly the hf_truncation_error cases', () => {
  const bad = lines.filter((g) => Boolean(encodeCase(g).truncationError) !== Boolean(g.hf_truncation_error));
  assert.is(bad.length, 0);
});

test('pairs: offsets and tokens stay aligned with the ids under truncation and padding', () => {
  for (const g of lines.slice(0, 60)) {
    const e = tok.encode(g.text, g.text_pair, {
      maxLength: g.max_length, truncation: g.truncation, padding: g.padding, returnOffsets: true, returnTokens: true,
    });
    assert.equal(e.inputIds, g.input_ids);
    assert.is(e.offsets.length, e.inputIds.length);
    assert.is(e.tokens.length, e.inputIds.length);
    e.inputIds.forEach((id, i) => {
      if (e.specialTokensMask[i] === 1) assert.equal(e.offsets[i], [0, 0]);
      assert.is(tok.convertTokensToIds([e.tokens[i]])[0], id);
    });
  }
});

test.run();
