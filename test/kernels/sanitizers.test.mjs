// The engine under AddressSanitizer and UndefinedBehaviorSanitizer: albert_engine_check
// (test/native) built with both, then the GEMM and vector-kernel checks on every ISA of this
// CPU and every tiny fixture's forward pass on every fp32 ISA and bf16 kernel. Any
// out-of-bounds access, leak or undefined behaviour (an overflowing shift, a misaligned load
// the compiler relied on, ...) fails the run; the fp32 outputs must still match the goldens.
// The addon itself is not sanitized: the sanitizers' runtimes would have to be loaded before
// Node.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuInfo } from 'albert-native';

import { buildEngineCheck, checkOutputs, fixtureBundles, readOutputs, ROOT, run } from '../helpers/engine-check.mjs';
import { TINY_MODELS } from '../helpers/golden.mjs';

const BUILD_DIR = join(ROOT, 'build', 'engine-check-sanitizers');  // build/ is git-ignored
const SANITIZE = '-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer';
const ENV = {
  ...process.env,
  ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
};
const REPORT = /ERROR: (Address|Leak)Sanitizer|runtime error:/;

// Whether the C++ compiler can build and run a sanitized program here.
function sanitizersWork(tmp) {
  const source = join(tmp, 'probe.cc');
  writeFileSync(source, 'int main() { return 0; }\n');
  const exe = join(tmp, 'probe');
  const cxx = process.env.CXX || 'c++';
  const build = spawnSync(cxx, [...SANITIZE.split(' '), source, '-o', exe], { encoding: 'utf8' });
  return build.status === 0 && spawnSync(exe, [], { env: ENV }).status === 0;
}

let exe = null;
function check(args) {
  assert.ok(exe, 'albert_engine_check was not built (see the build test)');
  const r = run(exe, args, 300_000, ENV);
  assert.not.match(r.stderr, REPORT, `sanitizer report:\n${r.output}`);
  assert.is(r.status, 0, `albert_engine_check ${args.join(' ')} failed:\n${r.output}`);
  return r;
}

function registerTests(tmp) {
  test('albert_engine_check builds with AddressSanitizer and UBSan', () => {
    exe = buildEngineCheck(BUILD_DIR, ['-DCMAKE_BUILD_TYPE=RelWithDebInfo', `-DCMAKE_CXX_FLAGS=${SANITIZE}`,
      '-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined']);
  });

  test('gemm: every ISA against the reference, no sanitizer report', () => {
    const r = check(['gemm']);
    for (const isa of cpuInfo().supportedIsas) assert.match(r.stdout, new RegExp(`^gemm ${isa}: \\d+ cases ok$`, 'm'), r.output);
  });

  test('vector: every ISA\'s activations, softmax and LayerNorm against the references, no sanitizer report', () => {
    const r = check(['vector']);
    for (const isa of cpuInfo().supportedIsas) assert.match(r.stdout, new RegExp(`^vector ${isa}: \\d+ cases ok$`, 'm'), r.output);
  });

  const fixture = fixtureBundles(tmp);
  for (const name of TINY_MODELS) {
    test(`${name}: every fp32 ISA matches Hugging Face, every bf16 kernel runs, no sanitizer report`, () => {
      const f = fixture(name);
      for (const isa of cpuInfo().supportedIsas) {
        const out = join(tmp, `${name}-${isa}.out`);
        check(['forward', f.bundle, isa, out]);
        checkOutputs(`${name} (${isa})`, f, readOutputs(out));
      }
      for (const path of cpuInfo().supportedBf16Paths) {
        const out = join(tmp, `${name}-${path}.out`);
        check(['forward', f.bundle, cpuInfo().defaultIsa, out, path]);
        for (const [caseName, outputs] of readOutputs(out)) {
          for (const [output, t] of outputs) assert.ok(t.data.every(Number.isFinite), `${name} ${path} ${caseName} ${output}: not finite`);
        }
      }
    });
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'albert-sanitizers-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
if (sanitizersWork(tmp)) {
  registerTests(tmp);
} else {
  // No tests registered: a check that did not run must not count as passed.
  console.error('note: the sanitizer check did not run (the C++ compiler cannot build and run a program with -fsanitize=address,undefined here)');
}

test.run();
