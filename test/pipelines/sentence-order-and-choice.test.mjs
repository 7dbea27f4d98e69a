// sentence-order and multiple-choice agree with their heads and Hugging Face's goldens.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertError, pipeline } from 'albert-native';
import { close, goldenCase, modelDir, rejects, softmax, THREADS } from './helpers.mjs';

test('sentence-order: score = softmax(sopLogits)[0] of the HF golden', async () => {
  const sop = await pipeline('sentence-order', modelDir('tiny-pretraining'), THREADS);
  try {
    const { text, outputs } = goldenCase('tiny-pretraining', 'case3');
    const results = await sop(text.map(([a, b]) => ({ text: a, textPair: b })));
    assert.is(results.length, 2);
    results.forEach((r, i) => {
      const want = softmax(outputs.sop_logits.data.subarray(i * 2, i * 2 + 2))[0];
      assert.ok(close(r.score, want, 1e-4), `${r.score} vs ${want}`);
    });
    const single = await sop({ text: text[0][0], textPair: text[0][1] });
    assert.ok(close(single.score, results[0].score, 1e-5));
    await rejects(sop({ text: 'only one' }), TypeError);
  } finally {
    sop.dispose();
  }
});

test('multiple-choice: softmax of the HF golden logits, in input order, summing to 1', async () => {
  const mc = await pipeline('multiple-choice', modelDir('tiny-mc'), THREADS);
  try {
    const { text, outputs } = goldenCase('tiny-mc', 'case1');
    const items = text.map(([context, choices]) => ({ context, choices }));
    const results = await mc(items);
    assert.is(results.length, 3);
    results.forEach((r, b) => {
      assert.equal(r.map((x) => x.choice), items[b].choices);
      assert.ok(close(r.reduce((s, x) => s + x.score, 0), 1, 1e-9));
      const want = softmax(outputs.logits.data.subarray(b * 3, b * 3 + 3));
      r.forEach((x, i) => assert.ok(close(x.score, want[i], 1e-4), `${x.score} vs ${want[i]}`));
    });
    // Different numbers of choices in one call; a single item gives a single list.
    const four = goldenCase('tiny-mc', 'case2');
    const [context, choices] = four.text[0];
    const mixed = await mc([items[0], { context, choices }]);
    assert.is(mixed[1].length, 4);
    const want = softmax(four.outputs.logits.data);
    mixed[1].forEach((x, i) => assert.ok(close(x.score, want[i], 1e-4)));
    const single = await mc({ context, choices });
    assert.is(single.length, 4);
    await rejects(mc({ context: 'c', choices: [] }), TypeError);
    await rejects(mc({ context: 'c', choices: ['a', 2] }), TypeError);
  } finally {
    mc.dispose();
  }
});

test('multiple-choice needs a multiple-choice checkpoint', async () => {
  const e = await rejects(pipeline('multiple-choice', modelDir('tiny-qa'), THREADS), AlbertError, 'ERR_CONFIG');
  assert.match(e.message, /multiple-choice/);
  assert.match(e.message, /question-answering/);
});

test.run();
