// fill-mask agrees with the MLM head + tokenizer used directly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertError, pipeline } from 'albert-native';
import { BASE_MODEL_DIR, hasBaseModel } from '../helpers/golden.mjs';
import { close, disposeAfterAll, loadDirect, modelDir, rejects, softmax, THREADS } from './helpers.mjs';

const TEXT = 'the old woman made me some [MASK] and told me about the school.';
const fill = await pipeline('fill-mask', modelDir('tiny-pretraining'), THREADS);
const direct = await loadDirect('tiny-pretraining');
disposeAfterAll(fill, direct.model);

/** Probabilities at the mask, computed from forward() without the pipeline. */
async function maskProbabilities(text) {
  const enc = direct.tokenizer.encode(text);
  const seq = enc.inputIds.length;
  const out = await direct.model.forward({ inputIds: { data: Int32Array.from(enc.inputIds), dims: [1, seq] } });
  const p = enc.inputIds.indexOf(direct.tokenizer.maskTokenId);
  const vocab = out.predictionLogits.dims[2];
  return { probs: softmax(out.predictionLogits.data.subarray(p * vocab, (p + 1) * vocab)), ids: enc.inputIds, p };
}

test('the top token is the argmax of the logits at the mask, scores are its softmax', async () => {
  const { probs, ids, p } = await maskProbabilities(TEXT);
  const results = await fill(TEXT, { topK: 5 });
  assert.is(results.length, 5);
  const argmax = probs.indexOf(Math.max(...probs));
  assert.is(results[0].token, argmax);
  for (const r of results) assert.ok(close(r.score, probs[r.token]), `${r.score} vs ${probs[r.token]}`);
  for (let i = 1; i < results.length; ++i) assert.ok(results[i - 1].score >= results[i].score);
  const filled = ids.slice();
  filled[p] = results[0].token;
  assert.is(results[0].sequence, direct.tokenizer.decode(filled, { skipSpecialTokens: true }));
  assert.is(results[0].tokenStr, direct.tokenizer.decode([results[0].token]));
});

test('cleanUpTokenizationSpaces reaches the tokenizer that writes the sequences', async () => {
  const text = 'tea , [MASK] and cake .';
  const cleaning = await pipeline('fill-mask', modelDir('tiny-pretraining'), { ...THREADS, cleanUpTokenizationSpaces: true });
  try {
    const [plain, cleaned] = [await fill(text, { topK: 3 }), await cleaning(text, { topK: 3 })];
    const { ids, p } = await maskProbabilities(text);
    assert.ok(plain[0].sequence.endsWith(' .'), plain[0].sequence);
    plain.forEach((r, i) => {
      assert.is(cleaned[i].token, r.token);
      const filled = ids.slice();
      filled[p] = r.token;
      assert.is(cleaned[i].sequence, direct.tokenizer.decode(filled, { skipSpecialTokens: true, cleanUpTokenizationSpaces: true }));
      assert.not.match(cleaned[i].sequence, / [.,]/);
    });
  } finally {
    cleaning.dispose();
  }
});

test('topK defaults to 5; targets restrict the candidates', async () => {
  assert.is((await fill(TEXT)).length, 5);
  const { probs } = await maskProbabilities(TEXT);
  const results = await fill(TEXT, { targets: ['tea', '▁school', 'the'], topK: 10 });
  const ids = direct.tokenizer.convertTokensToIds(['▁tea', '▁school', '▁the']);
  assert.equal(results.map((r) => r.token).sort(), ids.slice().sort());
  for (const r of results) assert.ok(close(r.score, probs[r.token]));
});

test('an array of texts gives one result list per text, equal to single calls', async () => {
  const texts = [TEXT, 'it was a fine [MASK].', 'why did you [MASK] such a thing?'];
  const batch = await fill(texts, { topK: 3 });
  assert.is(batch.length, 3);
  for (let i = 0; i < texts.length; ++i) {
    const single = await fill(texts[i], { topK: 3 });
    assert.equal(batch[i].map((r) => r.token), single.map((r) => r.token));
    batch[i].forEach((r, k) => assert.ok(close(r.score, single[k].score, 1e-5)));
  }
  const again = await fill(texts, { topK: 3 });
  assert.equal(again, batch, 'deterministic');
});

test('a text with several masks gets one list per mask', async () => {
  const results = await fill('the [MASK] woman made me some [MASK].', { topK: 2 });
  assert.is(results.length, 2);
  for (const list of results) assert.is(list.length, 2);
});

test('errors: no [MASK], non-string text, bad options', async () => {
  const e = await rejects(fill('no mask here'), AlbertError, 'ERR_INPUT');
  assert.match(e.message, /\[MASK\]/);
  await rejects(fill(42), TypeError);
  await rejects(fill(['ok [MASK]', null]), TypeError);
  await rejects(fill(TEXT, { topK: 0 }), AlbertError, 'ERR_INPUT');
});

test('masked-lm head (albert-base-random, when present)', async () => {
  if (!hasBaseModel) return;
  const base = await pipeline('fill-mask', BASE_MODEL_DIR, THREADS);
  try {
    assert.is(base.model.head, 'masked-lm');
    const results = await base('Berlin ist die [MASK] von Deutschland.', { topK: 3 });
    assert.is(results.length, 3);
    assert.ok(results[0].score >= results[1].score);
  } finally {
    base.dispose();
  }
});

test.run();
