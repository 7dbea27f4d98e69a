// AArch64: cross-compiles the engine with its command-line check (test/native, the
// albert_engine_check program) and runs it under qemu-aarch64, so the NEON path is tested on
// an x86 machine: the GEMM check on every ISA the emulated CPU has, then every tiny fixture's
// goldens through the forward pass with isa neon and scalar. The weights handed to the engine
// come from the package's own loader (dist/model), as AlbertModel.fromPretrained passes them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { compare, int32, loadGolden, modelDir, paddingSkipper } from '../helpers/golden.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BUILD_DIR = join(root, 'build', 'engine-check-arm64');  // build/ is git-ignored
const EXE = join(BUILD_DIR, 'albert_engine_check');
const TOOLS = ['aarch64-linux-gnu-g++', 'qemu-aarch64'];
const TINY = ['tiny-pretraining', 'tiny-groups-seqcls', 'tiny-tokcls', 'tiny-qa', 'tiny-mc'];

const onPath = (cmd) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));

function run(cmd, args, timeout) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  return { status: r.status, stdout: r.stdout ?? '', output };
}

// The build runs once, in the first test; the others need its executable.
let built = false;
function qemu(args) {
  assert.ok(built, 'albert_engine_check was not built (see the build test)');
  return run('qemu-aarch64', [EXE, ...args], 120_000);
}

// ---- bundles: what fromPretrained hands to createModel, in files the C++ side can read ----

const requireDist = createRequire(join(root, 'dist', 'model', 'index.js'));

// Loads the fixture with lib/model's compiled code (config, head, selected tensors).
function loadModel(dir) {
  const { parseConfig, nativeConfig } = requireDist('./config.js');
  const { headFromArchitectures } = requireDist('./heads.js');
  const { parseSafetensors } = requireDist('./safetensors.js');
  const { selectTensors } = requireDist('./weights.js');
  const configPath = join(dir, 'config.json');
  const config = parseConfig(JSON.parse(readFileSync(configPath, 'utf8')), configPath);
  const head = headFromArchitectures(config.architectures);
  const weightsPath = join(dir, 'model.safetensors');
  const tensors = selectTensors(parseSafetensors(readFileSync(weightsPath), weightsPath), weightsPath, config, head);
  return { head, nativeConfig: nativeConfig(config, head), tensors };
}

// Golden inputs as engine requests: [batch, seq] ([batch, choices, seq] flattened, as
// AlbertModel.forward does for multiple choice).
function goldenRequests(golden, get) {
  return golden.cases.map((c) => {
    const ids = int32(get(c.inputs.input_ids));
    const seqLen = ids.dims[ids.dims.length - 1];
    return {
      name: c.name, batch: ids.data.length / seqLen, seqLen, all: c.call.output_hidden_states,
      inputs: [ids.data, int32(get(c.inputs.attention_mask)).data, int32(get(c.inputs.token_type_ids)).data],
    };
  });
}

// Writes bundle.txt + bundle.bin (format: test/native/forward_check.cc).
function writeBundle(dir, model, requests) {
  const lines = [];
  const chunks = [];
  let size = 0;
  const append = (bytes) => {
    chunks.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    size += bytes.byteLength;
    return size - bytes.byteLength;
  };
  const record = (...fields) => {
    assert.ok(fields.every((f) => !/\s/.test(String(f))), `bundle field with whitespace: ${fields.join('|')}`);
    lines.push(fields.join(' '));
  };
  for (const [key, value] of Object.entries(model.nativeConfig)) record('config', key, value);
  for (const t of model.tensors) {
    record('tensor', t.name, t.dtype, t.shape.length, ...t.shape, append(t.data), t.data.byteLength);
  }
  for (const r of requests) record('case', r.name, r.batch, r.seqLen, r.all ? 1 : 0, ...r.inputs.map(append));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bundle.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'bundle.bin'), Buffer.concat(chunks));
}

// Reads the forward check's output: case name -> output name -> { data, dims }.
function readOutputs(outFile) {
  const bin = readFileSync(`${outFile}.bin`);
  const byCase = new Map();
  for (const line of readFileSync(outFile, 'utf8').split('\n')) {
    if (!line) continue;
    const [, caseName, name, offset, , ...dimText] = line.split(' ');
    const dims = dimText.map(Number);
    const start = bin.byteOffset + Number(offset);
    const data = new Float32Array(bin.buffer.slice(start, start + 4 * dims.reduce((a, b) => a * b, 1)));
    if (!byCase.has(caseName)) byCase.set(caseName, new Map());
    byCase.get(caseName).set(name, { data, dims });
  }
  return byCase;
}

// ---- comparison, as test/model/golden.test.mjs does it ----

function checkOutputs(label, fixture, outputs) {
  const { golden, get, head } = fixture;
  for (const c of golden.cases) {
    const got = outputs.get(c.name);
    assert.ok(got, `${label} ${c.name}: no outputs`);
    for (const [name, ref] of Object.entries({ ...c.outputs, ...(c.encoder_outputs ?? {}) })) {
      const want = get(ref);
      let out = got.get(name);
      assert.ok(out, `${label} ${c.name}: output ${name} missing`);
      // The engine returns multiple choice logits per flattened row; forward() reshapes them.
      if (head === 'multiple-choice' && name === 'logits') out = { ...out, dims: want.dims };
      const r = compare(out, want, ref.tolerance, paddingSkipper(name, want.dims, get(c.inputs.attention_mask)));
      assert.ok(r.ok, `${label} ${c.name} ${name}: ${r.message}`);
    }
    if (c.call.output_hidden_states) {
      assert.ok(got.has(`hidden_states.${golden.hidden_states_count - 1}`) && !got.has(`hidden_states.${golden.hidden_states_count}`), `${label} ${c.name}: hidden states count`);
      assert.ok(got.has(`attentions.${golden.attentions_count - 1}`) && !got.has(`attentions.${golden.attentions_count}`), `${label} ${c.name}: attentions count`);
    }
  }
}

// ---- tests ----

function registerTests() {
  const tmp = mkdtempSync(join(tmpdir(), 'albert-arm64-'));
  test.after(() => rmSync(tmp, { recursive: true, force: true }));

  test('albert_engine_check builds for AArch64', () => {
    const configure = run('cmake', [
      '-S', root, '-B', BUILD_DIR, `-DCMAKE_TOOLCHAIN_FILE=${join(root, 'cmake', 'aarch64-linux-gnu.cmake')}`,
      '-DCMAKE_BUILD_TYPE=Release', '-DALBERT_BUILD_ENGINE_CHECK=ON',
    ], 120_000);
    assert.is(configure.status, 0, `cmake configure failed:\n${configure.output}`);
    const build = run('cmake', ['--build', BUILD_DIR, '-j', String(availableParallelism()), '--target', 'albert_engine_check'], 600_000);
    assert.is(build.status, 0, `build failed:\n${build.output}`);
    built = true;
  });

  test('gemm: every ISA of the emulated CPU, NEON included, matches the reference', () => {
    const r = qemu(['gemm']);
    assert.match(r.stdout, /^isas: .*\bneon\b/m, `neon is not among the ISAs:\n${r.output}`);
    assert.is(r.status, 0, `gemm check failed:\n${r.output}`);
    assert.match(r.stdout, /^gemm neon: \d+ cases ok$/m, r.output);
  });

  // Each fixture's bundle is written once and run with both ISAs.
  const fixtures = new Map();
  const fixture = (name) => {
    if (!fixtures.has(name)) {
      const dir = modelDir(name);
      const { golden, get } = loadGolden(dir);
      const model = loadModel(dir);
      const bundle = join(tmp, name);
      writeBundle(bundle, model, goldenRequests(golden, get));
      fixtures.set(name, { golden, get, head: model.head, bundle });
    }
    return fixtures.get(name);
  };

  for (const name of TINY) {
    for (const isa of ['neon', 'scalar']) {
      test(`${name} matches Hugging Face on AArch64 (isa ${isa})`, () => {
        const f = fixture(name);
        const out = join(tmp, `${name}-${isa}.out`);
        const r = qemu(['forward', f.bundle, isa, out]);
        assert.is(r.status, 0, `forward failed:\n${r.output}`);
        checkOutputs(`${name} (${isa})`, f, readOutputs(out));
      });
    }
  }
}

const missing = TOOLS.filter((tool) => !onPath(tool));
if (missing.length === 0) {
  registerTests();
} else {
  // No tests registered: a check that did not run must not count as passed.
  console.error(`note: the ARM64 check did not run (${missing.join(' and ')} not on PATH); `
    + 'install them with: apt-get install g++-aarch64-linux-gnu qemu-user');
}

test.run();
