// Tokenizer throughput: albert-native's AlbertTokenizer / SentencePieceProcessor vs
// transformers.js (same vocabulary, tokenizer.json generated locally from spiece.model)
// vs Google's C++ spm_encode (if installed: `apt-get install sentencepiece`).
// Every text is one line of an English corpus (~2 MB, BENCH_MB to change), encoded one at
// a time, as a server would. Run: node bench/tokenizer.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { AlbertTokenizer, SentencePieceProcessor } from 'albert-native';
import { buildCorpus } from './tokenizer/corpus.mjs';
import { cpuModel } from './results.mjs';
import { writeHfTokenizer } from './tokenizer/hf-json.mjs';

const MODEL = fileURLToPath(new URL('../test/fixtures/tokenizer/albert-30k.model', import.meta.url));
const MB = Number(process.env.BENCH_MB ?? 2);
const ITERATIONS = Number(process.env.BENCH_ITERS ?? 5);

const corpus = buildCorpus(MB * 1e6);
const tmp = mkdtempSync(join(tmpdir(), 'albert-tok-bench-'));
const corpusFile = join(tmp, 'corpus.txt');
writeFileSync(corpusFile, corpus.lines.join('\n') + '\n');

function timed(fn) {
  const t = performance.now();
  const value = fn();
  return [value, performance.now() - t];
}

const [ours, oursLoadMs] = timed(() => AlbertTokenizer.fromFile(MODEL));
const sp = ours.sp;
const hf = await loadTransformersJs();

function countTokens(encode) {
  let n = 0;
  for (const line of corpus.lines) n += encode(line).length;
  return n;
}

const tasks = [
  { name: 'albert-native AlbertTokenizer.encode', encode: (t) => ours.encode(t).inputIds },
  { name: 'albert-native SentencePieceProcessor.encodeIds (raw, no ALBERT preprocessing)', encode: (t) => sp.encodeIds(t) },
];
if (hf) tasks.push({ name: `transformers.js ${hf.version} AlbertTokenizer.encode`, encode: (t) => hf.tokenizer.encode(t) });

const bench = new Bench({ time: 0, iterations: ITERATIONS, warmupTime: 0, warmupIterations: 1 });
let sink = 0;
for (const task of tasks) {
  task.tokens = countTokens(task.encode);
  bench.add(task.name, () => { for (const line of corpus.lines) sink += task.encode(line).length; }, { async: false });
}
await bench.run();

const agreement = goldenAgreement();

const rows = tasks.map((task) => {
  const ms = bench.getTask(task.name).result.latency.mean;
  return { name: task.name, ms, mbps: corpus.bytes / 1e6 / (ms / 1000), tps: task.tokens / (ms / 1000), tokens: task.tokens };
});
const spm = timeSpmEncode();
if (spm) rows.push(spm);

report(rows);
rmSync(tmp, { recursive: true, force: true });
if (sink < 0) console.log(sink);

async function loadTransformersJs() {
  try {
    const { AutoTokenizer, env } = await import('@huggingface/transformers');
    const pkg = transformersPackageJson();
    writeHfTokenizer(MODEL, tmp, 'albert-30k');
    env.allowRemoteModels = false;
    env.localModelPath = tmp;
    const t = performance.now();
    const tokenizer = await AutoTokenizer.from_pretrained('albert-30k', { local_files_only: true });
    return { tokenizer, version: pkg.version ?? '', loadMs: performance.now() - t };
  } catch (e) {
    console.log(`transformers.js not available (${e.message}); install with npm install --save-dev @huggingface/transformers`);
    return null;
  }
}

/** The installed transformers.js package.json (its exports map hides it from import()). */
function transformersPackageJson() {
  let dir = dirname(createRequire(import.meta.url).resolve('@huggingface/transformers'));
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  }
  return {};
}

/** spm_encode wall time on the corpus minus its wall time on an empty file (model load). */
function timeSpmEncode() {
  const run = (file) => {
    const t = performance.now();
    const r = spawnSync('spm_encode', [`--model=${MODEL}`, '--output_format=id', `--input=${file}`], { maxBuffer: 1 << 30, encoding: 'utf8' });
    if (r.error || r.status !== 0) return null;
    return [performance.now() - t, r.stdout];
  };
  const empty = join(tmp, 'empty.txt');
  writeFileSync(empty, '');
  const base = run(empty);
  if (base === null) {
    console.log('spm_encode not found (Debian: apt-get install sentencepiece); skipping the C++ comparison');
    return null;
  }
  const loads = [base[0], run(empty)[0], run(empty)[0]].sort((a, b) => a - b);
  const walls = [];
  let out = '';
  for (let i = 0; i < 3; i++) { const [ms, stdout] = run(corpusFile); walls.push(ms); out = stdout; }
  const ms = Math.min(...walls) - loads[0];
  const tokens = out.split(/\s+/).filter(Boolean).length;
  return { name: 'C++ spm_encode 0.1.97 (raw, per line, model load subtracted)', ms, mbps: corpus.bytes / 1e6 / (ms / 1000), tps: tokens / (ms / 1000), tokens };
}

function report(rows) {
  const cpu = `${cpuModel()} (${cpus().length} CPUs visible)`;
  console.log(`\nTokenizer benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpu}, Node ${process.version}`);
  console.log(`corpus: ${corpus.lines.length} lines, ${(corpus.bytes / 1e6).toFixed(2)} MB (${corpus.uniqueLines} distinct English lines of the goldens, repeated); model albert-30k (30,000 pieces)`);
  console.log(`load: albert-native ${oursLoadMs.toFixed(0)} ms${hf ? `, transformers.js ${hf.loadMs.toFixed(0)} ms` : ''}`);
  const pct = (x) => `${(100 * x).toFixed(1)}%`;
  console.log(`exact ids on the ${agreement.lines} golden-albert-30k lines: albert-native ${pct(agreement.ours)}${agreement.hf === null ? '' : `, transformers.js ${pct(agreement.hf)}`}`);
  console.log('\n| tokenizer | MB/s | tokens/s | ms per pass | tokens |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${r.mbps.toFixed(2)} | ${Math.round(r.tps).toLocaleString('en-US')} | ${r.ms.toFixed(0)} | ${r.tokens.toLocaleString('en-US')} |`);
  const find = (prefix) => rows.find((r) => r.name.startsWith(prefix));
  const albert = find('albert-native AlbertTokenizer');
  const raw = find('albert-native SentencePiece');
  const tjs = find('transformers.js');
  const cpp = find('C++');
  console.log('');
  if (tjs) console.log(`AlbertTokenizer vs transformers.js: ${(albert.mbps / tjs.mbps).toFixed(2)}x (goal >= 3x)`);
  if (cpp) {
    console.log(`AlbertTokenizer vs C++ spm_encode: ${(albert.mbps / cpp.mbps).toFixed(2)}x (goal >= 0.5x)`);
    console.log(`SentencePieceProcessor (raw) vs C++ spm_encode: ${(raw.mbps / cpp.mbps).toFixed(2)}x`);
  }
}

/** Share of golden-albert-30k.jsonl lines whose [CLS] ids [SEP] each tokenizer reproduces. */
function goldenAgreement() {
  const golden = readFileSync(new URL('../test/fixtures/tokenizer/golden-albert-30k.jsonl', import.meta.url), 'utf8')
    .split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const share = (encode) => golden.filter((g) => JSON.stringify(encode(g.text)) === JSON.stringify([2, ...g.albert.ids, 3])).length / golden.length;
  return { ours: share((t) => ours.encode(t).inputIds), hf: hf ? share((t) => hf.tokenizer.encode(t)) : null, lines: golden.length };
}

