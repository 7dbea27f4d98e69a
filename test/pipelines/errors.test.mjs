// pipeline() errors: unknown task, wrong head, bad arguments; dispose().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertError, PIPELINE_TASKS, pipeline } from 'albert-native';
import { modelDir, rejects, THREADS } from './helpers.mjs';

test('the task list', () => {
  assert.equal([...PIPELINE_TASKS].sort(), [
    'feature-extraction', 'fill-mask', 'multiple-choice', 'question-answering', 'sentence-order',
    'text-classification', 'token-classification',
  ]);
});

test('unknown task -> AlbertError ERR_CONFIG listing the tasks', async () => {
  const e = await rejects(pipeline('summarization', modelDir('tiny-pretraining')), AlbertError, 'ERR_CONFIG');
  assert.match(e.message, /summarization/);
  assert.match(e.message, /fill-mask/);
});

test("wrong head -> ERR_CONFIG naming the task and the checkpoint's head", async () => {
  const cases = [
    ['fill-mask', 'tiny-groups-seqcls', 'sequence-classification'],
    ['text-classification', 'tiny-pretraining', 'pretraining'],
    ['token-classification', 'tiny-qa', 'question-answering'],
    ['question-answering', 'tiny-tokcls', 'token-classification'],
    ['sentence-order', 'tiny-mc', 'multiple-choice'],
  ];
  for (const [task, fixture, head] of cases) {
    const e = await rejects(pipeline(task, modelDir(fixture), THREADS), AlbertError, 'ERR_CONFIG');
    assert.ok(e.message.includes(`'${task}'`) && e.message.includes(head), e.message);
  }
  const forced = await rejects(pipeline('fill-mask', modelDir('tiny-pretraining'), { ...THREADS, head: 'base' }), AlbertError, 'ERR_CONFIG');
  assert.match(forced.message, /base/);
});

test('bad arguments', async () => {
  await rejects(pipeline('fill-mask', 42), TypeError);
  await rejects(pipeline('fill-mask', modelDir('does-not-exist')), AlbertError, 'ERR_NOT_FOUND');
  await rejects(pipeline('fill-mask', modelDir('tiny-pretraining'), { threads: 0 }), AlbertError, 'ERR_CONFIG');
});

test('a pipeline carries task, model and tokenizer; dispose() frees the model', async () => {
  const fill = await pipeline('fill-mask', modelDir('tiny-pretraining'), THREADS);
  assert.is(fill.task, 'fill-mask');
  assert.is(fill.model.head, 'pretraining');
  assert.is(fill.tokenizer.maskToken, '[MASK]');
  assert.equal(await fill([]), []);
  fill.dispose();
  assert.ok(fill.model.disposed);
  await rejects(fill('a [MASK]'), AlbertError, 'ERR_DISPOSED');
});

test('tokenizer options pass through (doLowerCase)', async () => {
  const cased = await pipeline('feature-extraction', modelDir('tiny-pretraining'), { ...THREADS, doLowerCase: false });
  const lower = await pipeline('feature-extraction', modelDir('tiny-pretraining'), THREADS);
  try {
    assert.not.equal(cased.tokenizer.tokenize('The'), lower.tokenizer.tokenize('The'));
  } finally {
    cased.dispose();
    lower.dispose();
  }
});

test.run();
