// albert_engine_check (test/native), the engine without Node: building it, and feeding it the
// tiny fixtures as bundles (what fromPretrained hands to createModel, in files the C++ side
// reads), then checking its outputs against the goldens as test/model/golden.test.mjs does.
// Used by test/kernels/arm64.test.mjs (cross-compiled, under qemu) and sanitizers.test.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

import { compare, int32, loadGolden, modelDir, paddingSkipper } from './golden.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command in the repository root: { status, stdout, stderr, output (all of it) }. */
export function run(cmd, args, timeout, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout, maxBuffer: 64 << 20, env });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', output };
}

/** Configures buildDir with the extra CMake arguments and builds albert_engine_check there. */
export function buildEngineCheck(buildDir, cmakeArgs) {
  const configure = run('cmake', ['-S', ROOT, '-B', buildDir, '-DALBERT_BUILD_ENGINE_CHECK=ON', ...cmakeArgs], 120_000);
  assert.is(configure.status, 0, `cmake configure failed:\n${configure.output}`);
  const build = run('cmake', ['--build', buildDir, '-j', String(availableParallelism()), '--target', 'albert_engine_check'], 900_000);
  assert.is(build.status, 0, `build failed:\n${build.output}`);
  return join(buildDir, 'albert_engine_check');
}

/** A memoised fixture(name): the fixture's goldens and its bundle, written once under tmp. */
export function fixtureBundles(tmp) {
  const fixtures = new Map();
  return (name) => {
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
}

// ---- bundles: what fromPretrained hands to createModel, in files the C++ side can read ----

const requireDist = createRequire(join(ROOT, 'dist', 'model', 'index.js'));

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
export function goldenRequests(golden, get) {
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
export function writeBundle(dir, model, requests) {
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
export function readOutputs(outFile) {
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

export function checkOutputs(label, fixture, outputs) {
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
