// token-classification: per-token labels agree with the head; offsets slice the input;
// the aggregation strategies follow Hugging Face's TokenClassificationPipeline.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { AlbertError, pipeline } from 'albert-native';
import { close, disposeAfterAll, goldenCase, loadDirect, modelDir, rejects, softmax, THREADS } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { aggregate } = require('../../dist/pipelines/token-aggregation.js');

const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
const TEXT = '  John Smith visited   New York, then Botchan-land in 2014!';
const ner = await pipeline('token-classification', modelDir('tiny-tokcls'), THREADS);
const direct = await loadDirect('tiny-tokcls');
disposeAfterAll(ner, direct.model);

test("'none': one entity per real token with the head's argmax label; offsets slice the text", async () => {
  const enc = direct.tokenizer.encode(TEXT, null, { returnOffsets: true });
  const seq = enc.inputIds.length;
  const { logits } = await direct.model.forward({ inputIds: { data: Int32Array.from(enc.inputIds), dims: [1, seq] } });
  const entities = await ner(TEXT, { ignoreLabels: [] });
  assert.ok(entities.length >= seq - 4 && entities.length <= seq - 2, 'one per token (lone \u2581 pieces dropped)');
  for (const e of entities) {
    const probs = softmax(logits.data.subarray(e.index * 5, e.index * 5 + 5));
    const best = probs.indexOf(Math.max(...probs));
    assert.is(e.entity, LABELS[best]);
    assert.ok(close(e.score, probs[best]), `${e.score} vs ${probs[best]}`);
    const slice = TEXT.slice(e.start, e.end);
    assert.is(slice, slice.trim(), 'no surrounding whitespace');
    assert.is(e.word.toLowerCase(), slice.toLowerCase(), `token ${e.index}`);
  }
  const kept = await ner(TEXT);
  assert.equal(kept, entities.filter((e) => e.entity !== 'O'), "ignoreLabels defaults to ['O']");
});

test('scores match the HF golden logits, for a batch of texts', async () => {
  const { text, outputs } = goldenCase('tiny-tokcls', 'case1');
  const results = await ner(text, { ignoreLabels: [] });
  const [, seq] = outputs.logits.dims;
  results.forEach((entities, b) => {
    for (const e of entities) {
      const at = (b * seq + e.index) * 5;
      const probs = softmax(outputs.logits.data.subarray(at, at + 5));
      assert.ok(close(e.score, Math.max(...probs), 1e-4));
    }
  });
});

test('every strategy gives spans that slice the text; word strategies align to words', async () => {
  for (const strategy of ['simple', 'first', 'average', 'max']) {
    const groups = await ner(TEXT, { aggregationStrategy: strategy, ignoreLabels: [] });
    let last = 0;
    for (const g of groups) {
      assert.type(g.entityGroup, 'string');
      assert.ok(g.start >= last && g.end > g.start, `${strategy}: ${JSON.stringify(g)}`);
      last = g.end;
      if (strategy !== 'simple') {
        assert.ok(g.start === 0 || /\s/.test(TEXT[g.start - 1]), `${strategy} starts mid-word: ${JSON.stringify(g)}`);
        assert.ok(g.end === TEXT.length || /\s/.test(TEXT[g.end]), `${strategy} ends mid-word: ${JSON.stringify(g)}`);
      }
    }
    const kept = await ner(TEXT, { aggregationStrategy: strategy });
    assert.equal(kept, groups.filter((g) => g.entityGroup !== 'O'));
  }
});

// Hand-made token scores with known HF results (labels O, B-PER, I-PER, B-LOC, I-LOC).
const label = (i) => LABELS[i];
function tok(id, index, scores, isSubword, start) {
  return { piece: `${isSubword ? '' : '\u2581'}w${id}`, index, scores: Float64Array.from(scores), isSubword, start, end: start + 2 };
}
// word A = tokens 1,2 (2 is a subword); word B = token 3; word C = tokens 4,5.
const TOKENS = [
  tok(1, 1, [0.1, 0.7, 0.1, 0.05, 0.05], false, 0),
  tok(2, 2, [0.1, 0.0, 0.1, 0.8, 0.0], true, 2),
  tok(3, 3, [0.1, 0.1, 0.6, 0.1, 0.1], false, 5),
  tok(4, 4, [0.5, 0.1, 0.1, 0.2, 0.1], false, 8),
  tok(5, 5, [0.1, 0.1, 0.1, 0.05, 0.65], true, 10),
];

test('aggregation semantics match HF on hand-made scores', () => {
  const none = aggregate(TOKENS, 'none', new Set(), label);
  assert.equal(none.map((e) => e.entity), ['B-PER', 'B-LOC', 'I-PER', 'O', 'I-LOC']);
  const simple = aggregate(TOKENS, 'simple', new Set(['O']), label);
  assert.equal(simple.map((g) => [g.entityGroup, g.word]), [['PER', 'w1'], ['LOC', 'w2'], ['PER', 'w3'], ['LOC', 'w5']]);
  const first = aggregate(TOKENS, 'first', new Set(), label);
  // A -> B-PER (first token), B -> I-PER joins it; C -> O.
  assert.equal(first.map((g) => [g.entityGroup, g.word, g.start, g.end]), [['PER', 'w1w2 w3', 0, 7], ['O', 'w4w5', 8, 12]]);
  assert.ok(close(first[0].score, (0.7 + 0.6) / 2));
  const max = aggregate(TOKENS, 'max', new Set(), label);
  // A -> B-LOC (its most confident token, 0.8); B -> I-PER; C -> I-LOC (0.65).
  assert.equal(max.map((g) => [g.entityGroup, g.word]), [['LOC', 'w1w2'], ['PER', 'w3'], ['LOC', 'w4w5']]);
  const average = aggregate(TOKENS, 'average', new Set(), label);
  // A: mean [0.1, 0.35, 0.1, 0.425, 0.025] -> B-LOC 0.425; C: mean [0.3, .1, .1, .125, .375] -> I-LOC.
  assert.equal(average.map((g) => [g.entityGroup, g.word]), [['LOC', 'w1w2'], ['PER', 'w3'], ['LOC', 'w4w5']]);
  assert.ok(close(average[0].score, 0.425));
});

test('errors: non-string text, unknown strategy', async () => {
  await rejects(ner({ text: 'x' }), TypeError);
  await rejects(ner('x', { aggregationStrategy: 'longest' }), AlbertError, 'ERR_INPUT');
});

test.run();
