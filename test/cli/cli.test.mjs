// The albert-native command: help, every subcommand on the tiny fixtures, JSONL streaming, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'albert-native';
import { modelDir } from '../helpers/golden.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'albert-native.js');
const T = ['--threads', '2'];

function cli(args, input) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', input: input ?? '' });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    get lines() { return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)); },
  };
}

function assertOneLineError(r, pattern) {
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], /^albert-native: /);
  assert.match(lines[0], pattern);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
}

test('--help lists the commands; every command has --help', () => {
  const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  assert.is(r.status, 0);
  for (const name of ['fill-mask', 'classify', 'ner', 'qa', 'embed', 'info', 'bench']) {
    assert.match(r.stdout, new RegExp(`\\n  ${name} `));
    const sub = spawnSync(process.execPath, [BIN, name, '--help'], { encoding: 'utf8' });
    assert.is(sub.status, 0, name);
    assert.match(sub.stdout, new RegExp(`^Usage: albert-native ${name} `));
  }
  assert.is(spawnSync(process.execPath, [BIN, 'help', 'qa'], { encoding: 'utf8' }).stdout.startsWith('Usage: albert-native qa'), true);
  const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  assert.is(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
});

test('fill-mask: texts as arguments, one JSON line each, same as the pipeline', async () => {
  const texts = ['the old woman made me some [MASK].', 'it was a fine [MASK].'];
  const r = cli(['fill-mask', modelDir('tiny-pretraining'), ...texts, '--top-k', '3', ...T]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  const fill = await pipeline('fill-mask', modelDir('tiny-pretraining'), { threads: 2 });
  const want = await fill(texts, { topK: 3 });
  fill.dispose();
  assert.equal(r.lines.map((l) => l.map((x) => x.token)), want.map((l) => l.map((x) => x.token)));
});

test('JSONL on stdin: results stream out in order, each as soon as it is ready', async () => {
  const child = spawn(process.execPath, [BIN, 'fill-mask', '--model', modelDir('tiny-pretraining'), '--top-k', '1', ...T], { cwd: ROOT });
  let out = '';
  let onLine = () => {};
  child.stdout.on('data', (d) => { out += d; onLine(); });
  const exited = new Promise((resolve) => child.once('close', resolve));
  const waitForLines = (n) => new Promise((resolve, reject) => {
    onLine = () => { if (out.split('\n').length > n) resolve(); };
    exited.then(() => reject(new Error(`exited before ${n} lines: ${out}`)));
    onLine();
  });
  child.stdin.write('{"text": "the old woman made me some [MASK]."}\n');
  await waitForLines(1); // the first result arrives while stdin is still open
  child.stdin.write('"it was a fine [MASK]."\n\n');
  await waitForLines(2);
  child.stdin.end('{"text": "why did you do [MASK] a thing?"}\n');
  assert.is(await exited, 0);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(lines.length, 3);
  for (const l of lines) assert.is(l.length, 1);
  assert.match(lines[2][0].sequence, /^why did you do/);
});

test('a bad input line gives an error line in place, a stderr line and exit 1', () => {
  const input = ['"a [MASK] b"', 'not json', '"no mask"', '{"text": "c [MASK]"}'].join('\n');
  const r = cli(['fill-mask', modelDir('tiny-pretraining'), '--top-k', '1', ...T], input);
  assert.is(r.code, 1);
  assert.is(r.lines.length, 4);
  assert.ok(Array.isArray(r.lines[0]) && Array.isArray(r.lines[3]));
  assert.match(r.lines[1].error, /JSON/);
  assert.match(r.lines[2].error, /\[MASK\]/);
  const errs = r.stderr.trim().split('\n');
  assert.is(errs.length, 2);
  assert.match(errs[0], /^albert-native: line 2: /);
  assert.match(errs[1], /^albert-native: line 3: /);
});

test('classify: pairs from JSONL, --top-k all, --function', async () => {
  const input = '{"text": "it was a fine day.", "textPair": "why?"}\n"the tea was cold."\n';
  const r = cli(['classify', modelDir('tiny-groups-seqcls'), '--top-k', 'all', ...T], input);
  assert.is(r.code, 0, r.stderr);
  const clf = await pipeline('text-classification', modelDir('tiny-groups-seqcls'), { threads: 2 });
  const want = await clf([{ text: 'it was a fine day.', textPair: 'why?' }, 'the tea was cold.'], { topK: null });
  clf.dispose();
  assert.is(r.lines.length, 2);
  r.lines.forEach((l, i) => {
    assert.equal(l.map((x) => x.label), want[i].map((x) => x.label));
    l.forEach((x, k) => assert.ok(Math.abs(x.score - want[i][k].score) < 1e-6));
  });
  const raw = cli(['classify', modelDir('tiny-groups-seqcls'), 'x', '--function', 'none', ...T]);
  assert.is(raw.code, 0);
  assert.is(raw.lines[0].length, 1);
});

test('ner: entities with offsets into the input text', () => {
  const text = 'John Smith lives in New York.';
  const r = cli(['ner', modelDir('tiny-tokcls'), text, '--aggregation', 'first', '--ignore-labels', '', ...T]);
  assert.is(r.code, 0, r.stderr);
  const groups = r.lines[0];
  assert.ok(groups.length > 0);
  for (const g of groups) {
    assert.type(g.entityGroup, 'string');
    assert.is(text.slice(g.start, g.end).toLowerCase(), g.word);
  }
});

test('qa: positional question and context, or JSONL', () => {
  const context = 'the boy jumped from the second story of the school building.';
  const r = cli(['qa', modelDir('tiny-qa'), 'who jumped?', context, '--top-k', '2', ...T]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.lines[0].length, 2);
  for (const a of r.lines[0]) assert.is(a.answer, context.slice(a.start, a.end));
  const j = cli(['qa', '--model', modelDir('tiny-qa'), ...T], `${JSON.stringify({ question: 'who jumped?', context })}\n`);
  assert.is(j.code, 0, j.stderr);
  assert.equal(j.lines[0], r.lines[0][0]);
  const bad = cli(['qa', modelDir('tiny-qa'), 'only a question', ...T]);
  assert.is(bad.code, 2);
});

test('embed: one vector per line (mean pooling by default), --pooling none gives token rows', () => {
  const r = cli(['embed', modelDir('tiny-pretraining'), 'hello there', 'why?', '--normalize', ...T]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.lines.length, 2);
  for (const v of r.lines) {
    assert.is(v.length, 64);
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
  }
  const rows = cli(['embed', modelDir('tiny-pretraining'), 'why?', '--pooling', 'none', ...T]);
  assert.is(rows.lines[0].length, 4); // [CLS] ▁why ? [SEP]
  assert.is(rows.lines[0][0].length, 64);
});

/** Parameter counts straight from the safetensors header. */
function headerCounts(dir, config) {
  const bytes = readFileSync(join(dir, 'model.safetensors'));
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
  let distinct = 0;
  let perLayer = 0;
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__' || name.endsWith('position_ids') || name.startsWith('predictions.decoder.')) continue;
    const n = t.shape.reduce((a, b) => a * b, 1);
    distinct += n;
    if (name.includes('albert_layer_groups.0.albert_layers.0.')) perLayer += n;
  }
  const effective = distinct + (config.num_hidden_layers - config.num_hidden_groups) * config.inner_group_num * perLayer;
  return { distinct, effective };
}

test('info: config, parameter counts, the shared-layer schedule, the ISA', () => {
  const dir = modelDir('tiny-groups-seqcls');
  const text = cli(['info', dir]);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /6 layers, 2 group\(s\) x 2 inner layer\(s\)/);
  assert.match(text.stdout, /layer  2 -> group 0/);
  assert.match(text.stdout, /layer  3 -> group 1/);
  assert.match(text.stdout, /isa (scalar|avx2|avx512|neon)/);
  assert.match(text.stdout, /bf16 (amx|avx512bf16) \(supported: [a-z0-9, ]+\)|bf16 no$/m);
  const json = JSON.parse(spawnSync(process.execPath, [BIN, 'info', dir, '--json'], { encoding: 'utf8' }).stdout);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const want = headerCounts(dir, config);
  assert.is(json.parameters.distinct, want.distinct);
  assert.is(json.parameters.effective, want.effective);
  assert.equal(json.schedule.map((s) => s.group), [0, 0, 0, 1, 1, 1]);
  assert.equal(json.labels, { 0: 'negative', 1: 'neutral', 2: 'positive' });
  const pre = JSON.parse(spawnSync(process.execPath, [BIN, 'info', modelDir('tiny-pretraining'), '--json'], { encoding: 'utf8' }).stdout);
  const preConfig = JSON.parse(readFileSync(join(modelDir('tiny-pretraining'), 'config.json'), 'utf8'));
  assert.is(pre.parameters.distinct, headerCounts(modelDir('tiny-pretraining'), preConfig).distinct);
});

test('bench: a quick throughput run', () => {
  const r = cli(['bench', modelDir('tiny-pretraining'), '--runs', '2', '--warmup', '0', '--batch', '2', '--seq', '16', '--json', ...T]);
  assert.is(r.code, 0, r.stderr);
  const [b] = r.lines;
  assert.is(b.batch, 2);
  assert.is(b.seq, 16);
  assert.ok(b.tokensPerSecond > 0 && b.msMean > 0);
  const text = spawnSync(process.execPath, [BIN, 'bench', modelDir('tiny-pretraining'), '--runs', '1', ...T], { encoding: 'utf8' });
  assert.is(text.status, 0);
  assert.match(text.stdout, /batch 8 x 64 tokens/);
  assert.match(text.stdout, /tokens\/s/);
});

test('errors: one line on stderr, no stack, non-zero exit', () => {
  let r = cli(['frobnicate']);
  assert.is(r.code, 2);
  assertOneLineError(r, /unknown command 'frobnicate'/);
  r = cli(['fill-mask', '--top-k']);
  assert.is(r.code, 2);
  assertOneLineError(r, /--top-k needs a value/);
  r = cli(['embed', modelDir('tiny-pretraining'), 'x', '--pooling', 'max']);
  assert.is(r.code, 2);
  assertOneLineError(r, /--pooling/);
  r = cli(['fill-mask', join(ROOT, 'no-such-model'), 'a [MASK]']);
  assert.is(r.code, 1);
  assertOneLineError(r, /model folder not found/);
  r = cli(['fill-mask', modelDir('tiny-groups-seqcls'), 'a [MASK]', ...T]);
  assert.is(r.code, 1);
  assertOneLineError(r, /'fill-mask' needs a masked-lm or pretraining head, but .* is a sequence-classification checkpoint/);
  assert.is(r.stdout, '');
  r = cli(['embed', modelDir('tiny-pretraining'), 'x', '--bf16-rounding', 'nearest', ...T]);
  assert.is(r.code, 1);
  assertOneLineError(r, /bf16Rounding applies to precision 'bf16' only/);
  r = cli(['embed', modelDir('tiny-pretraining'), 'x', '--precision', 'bf16', '--bf16-rounding', 'up']);
  assert.is(r.code, 2);
  assertOneLineError(r, /--bf16-rounding/);
  r = cli([]);
  assert.is(r.code, 2);
});

test.run();
