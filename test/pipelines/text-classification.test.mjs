// text-classification agrees with the sequence-classification head and Hugging Face's goldens.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlbertError, pipeline } from 'albert-native';
import { close, disposeAfterAll, goldenCase, modelDir, rejects, softmax, THREADS } from './helpers.mjs';

const DIR = modelDir('tiny-groups-seqcls');
const LABELS = ['negative', 'neutral', 'positive'];
const clf = await pipeline('text-classification', DIR, THREADS);
disposeAfterAll(clf);

function expected(logits, row) {
  const probs = softmax(logits.data.subarray(row * 3, row * 3 + 3));
  return LABELS.map((label, i) => ({ label, score: probs[i] })).sort((a, b) => b.score - a.score);
}

function assertScores(got, want, tol) {
  assert.equal(got.map((r) => r.label), want.map((r) => r.label));
  got.forEach((r, i) => assert.ok(close(r.score, want[i].score, tol), `${r.label}: ${r.score} vs ${want[i].score}`));
}

test('a batch of texts: softmax of the HF golden logits, every label with topK null', async () => {
  const { text, outputs } = goldenCase('tiny-groups-seqcls', 'case1');
  const results = await clf(text, { topK: null });
  assert.is(results.length, text.length);
  results.forEach((r, i) => assertScores(r, expected(outputs.logits, i), 1e-4));
});

test('a text pair ({ text, textPair }) and the default topK of 1', async () => {
  const { text, outputs } = goldenCase('tiny-groups-seqcls', 'case2');
  const [a, b] = text[0];
  const results = await clf({ text: a, textPair: b });
  assert.is(results.length, 1);
  assertScores(results, expected(outputs.logits, 0).slice(0, 1), 1e-4);
});

test('functionToApply: none gives the logits, sigmoid maps each logit', async () => {
  const { text, outputs } = goldenCase('tiny-groups-seqcls', 'case0');
  const raw = await clf(text[0], { topK: null, functionToApply: 'none' });
  const sig = await clf(text[0], { topK: null, functionToApply: 'sigmoid' });
  for (const r of raw) assert.ok(close(r.score, outputs.logits.data[LABELS.indexOf(r.label)], 1e-4));
  for (const r of sig) assert.ok(close(r.score, 1 / (1 + Math.exp(-raw.find((x) => x.label === r.label).score)), 1e-9));
  const two = await clf(text[0], { topK: 2 });
  assert.is(two.length, 2);
});

test('the default function follows problem_type; labels default to LABEL_i', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'albert-clf-'));
  try {
    for (const f of ['model.safetensors', 'spiece.model']) copyFileSync(join(DIR, f), join(dir, f));
    const config = JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8'));
    const text = 'it was a fine day.';
    const raw = await clf(text, { topK: null, functionToApply: 'none' });
    const logit = (label) => raw.find((r) => r.label === label).score;

    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, problem_type: 'multi_label_classification' }));
    let p = await pipeline('text-classification', dir, THREADS);
    for (const r of await p(text, { topK: null })) assert.ok(close(r.score, 1 / (1 + Math.exp(-logit(r.label))), 1e-6));
    p.dispose();

    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, problem_type: 'regression' }));
    p = await pipeline('text-classification', dir, THREADS);
    for (const r of await p(text, { topK: null })) assert.ok(close(r.score, logit(r.label), 1e-6));
    p.dispose();

    const { id2label, label2id, ...bare } = config;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...bare, num_labels: 3, problem_type: undefined }));
    p = await pipeline('text-classification', dir, THREADS);
    const named = await p(text, { topK: null });
    assert.equal(named.map((r) => r.label).sort(), ['LABEL_0', 'LABEL_1', 'LABEL_2']);
    assert.ok(close(named.reduce((s, r) => s + r.score, 0), 1, 1e-9));
    p.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('errors: non-string text, bad option values', async () => {
  await rejects(clf(7), TypeError);
  await rejects(clf({ text: 'a', textPair: 3 }), TypeError);
  await rejects(clf('a', { functionToApply: 'relu' }), AlbertError, 'ERR_INPUT');
  await rejects(clf('a', { topK: -1 }), AlbertError, 'ERR_INPUT');
});

test('long texts are truncated to the model maximum', async () => {
  const long = 'the old woman made me some tea. '.repeat(40);
  const [r] = await clf(long);
  assert.ok(LABELS.includes(r.label));
});

test.run();
