// question-answering: the answer is the best valid span by brute force over the head's logits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertError, pipeline } from 'albert-native';
import { close, disposeAfterAll, goldenCase, loadDirect, modelDir, rejects, softmax, THREADS } from './helpers.mjs';

const qa = await pipeline('question-answering', modelDir('tiny-qa'), THREADS);
const direct = await loadDirect('tiny-qa');
disposeAfterAll(qa, direct.model);

/** Best span (token positions) maximising start + end logits with start <= end < start + maxLen, both in the context. */
function bruteForce(start, end, types, seq, maxLen = 15) {
  const context = [];
  for (let p = 0; p < seq - 1; ++p) if (types[p] === 1) context.push(p);
  let best = { s: -1, e: -1, value: -Infinity };
  for (const s of context) {
    for (const e of context) {
      if (e < s || e - s >= maxLen) continue;
      if (start[s] + end[e] > best.value) best = { s, e, value: start[s] + end[e] };
    }
  }
  return best;
}

test('the answer is the brute-force best span of the HF golden logits, widened to words', async () => {
  const { text, outputs } = goldenCase('tiny-qa', 'case2');
  const [question, context] = text[0];
  const enc = direct.tokenizer.encode(question, context, { returnOffsets: true });
  const seq = enc.inputIds.length;
  const best = bruteForce(outputs.start_logits.data, outputs.end_logits.data, enc.tokenTypeIds, seq);
  const result = await qa({ question, context });
  assert.is(result.answer, context.slice(result.start, result.end));
  assert.ok(result.start <= enc.offsets[best.s][0] && enc.offsets[best.e][1] <= result.end, JSON.stringify({ result, best }));
  assert.ok(result.start === 0 || context[result.start - 1] === ' ', 'starts at a word');
  assert.ok(result.end === context.length || context[result.end] === ' ', 'ends at a word');
  // Score: p(start) * p(end), softmax over [CLS] and the context tokens.
  const positions = [0, ...enc.tokenTypeIds.flatMap((t, p) => (t === 1 && p < seq - 1 ? [p] : []))];
  const ps = softmax(positions.map((p) => outputs.start_logits.data[p]));
  const pe = softmax(positions.map((p) => outputs.end_logits.data[p]));
  assert.ok(close(result.score, ps[positions.indexOf(best.s)] * pe[positions.indexOf(best.e)], 1e-4));
});

test('topK > 1 gives distinct spans, best first; arrays give arrays', async () => {
  const item = { question: 'who jumped?', context: 'the boy jumped from the second story of the school building.' };
  const results = await qa(item, { topK: 4 });
  assert.is(results.length, 4);
  const keys = new Set(results.map((r) => `${r.start}:${r.end}`));
  assert.is(keys.size, 4);
  for (let i = 1; i < results.length; ++i) assert.ok(results[i - 1].score >= results[i].score);
  for (const r of results) assert.is(r.answer, item.context.slice(r.start, r.end));
  const batch = await qa([item, { question: 'what was cold?', context: 'the tea was cold.' }]);
  assert.is(batch.length, 2);
  assert.equal(batch[0], results[0]);
});

test('long contexts are split into overlapping windows', async () => {
  const context = 'The old woman made me some tea. It was a fine day in the country, and the school was far away. '.repeat(6);
  const question = 'Where was the school?';
  const tokens = direct.tokenizer.encode(context, null, { addSpecialTokens: false }).inputIds.length;
  assert.ok(tokens > 64, `context has ${tokens} tokens`);
  for (const options of [{}, { docStride: 8 }, { maxSeqLen: 40, docStride: 10 }]) {
    const results = await qa({ question, context }, { ...options, topK: 3 });
    assert.is(results.length, 3);
    for (const r of results) {
      assert.is(r.answer, context.slice(r.start, r.end));
      assert.ok(r.score > 0 && r.score <= 1);
    }
  }
  // Spans from the tail of the context are reachable.
  const tail = await qa({ question, context }, { topK: 200, maxAnswerLength: 3 });
  assert.ok(tail.some((r) => r.start > context.length / 2), 'answers from later windows');
});

test('handleImpossibleAnswer adds the empty answer scored by [CLS]', async () => {
  const item = { question: 'what?', context: 'it was a fine day.' };
  const results = await qa(item, { topK: 100, handleImpossibleAnswer: true });
  const empty = results.find((r) => r.answer === '');
  assert.ok(empty);
  assert.equal([empty.start, empty.end], [0, 0]);
  assert.not.ok((await qa(item, { topK: 100 })).some((r) => r.answer === ''));
});

test('errors: missing fields, empty context, docStride too large', async () => {
  await rejects(qa('just a string'), TypeError);
  await rejects(qa({ question: 'q', context: 5 }), TypeError);
  await rejects(qa({ question: 'q', context: '   ' }), AlbertError, 'ERR_INPUT');
  const context = 'the tea was cold and the day was fine. '.repeat(10);
  await rejects(qa({ question: 'q', context }, { maxSeqLen: 40, docStride: 39 }), AlbertError, 'ERR_INPUT');
  const noRoom = await rejects(qa({ question: 'q', context }, { maxSeqLen: 3 }), AlbertError, 'ERR_INPUT');
  assert.match(noRoom.message, /the question \(2 tokens\) leaves no room for the context in maxSeqLen 3/);
});

test.run();
