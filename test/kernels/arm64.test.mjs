// AArch64: cross-compiles the engine with its command-line check (test/native, the
// albert_engine_check program), with GCC and with clang, and runs it under qemu-aarch64, so the
// NEON path is tested on an x86 machine: the GEMM and vector-kernel checks on every ISA the
// emulated CPU has, then every tiny fixture's goldens through the forward pass with isa neon
// and scalar. The weights handed to the engine come from the package's own loader
// (dist/model), as AlbertModel.fromPretrained passes them.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { buildEngineCheck, checkOutputs, fixtureBundles, readOutputs, ROOT, run } from '../helpers/engine-check.mjs';
import { TINY_MODELS } from '../helpers/golden.mjs';

// Two cross compilers: GCC, and clang (the family of Apple's toolchain, for macOS on Apple
// silicon), which uses GCC's AArch64 headers, libraries and linker.
const TOOLCHAINS = [
  { name: 'g++', file: 'aarch64-linux-gnu.cmake', tools: ['aarch64-linux-gnu-g++', 'qemu-aarch64'], packages: 'g++-aarch64-linux-gnu qemu-user' },
  { name: 'clang', file: 'aarch64-linux-gnu-clang.cmake', tools: ['clang++', 'aarch64-linux-gnu-g++', 'qemu-aarch64'], packages: 'clang g++-aarch64-linux-gnu qemu-user' },
];

const onPath = (cmd) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));

const tmp = mkdtempSync(join(tmpdir(), 'albert-arm64-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
// Each fixture's bundle is written once and run by every build and ISA.
const fixture = fixtureBundles(tmp);

function registerTests(toolchain) {
  const buildDir = join(ROOT, 'build', `engine-check-arm64-${toolchain.name}`);  // build/ is git-ignored
  const label = `AArch64, ${toolchain.name}`;
  // The build runs once, in the first test; the others need its executable.
  let exe = null;
  const qemu = (args) => {
    assert.ok(exe, 'albert_engine_check was not built (see the build test)');
    return run('qemu-aarch64', [exe, ...args], 120_000);
  };

  test(`albert_engine_check builds (${label})`, () => {
    exe = buildEngineCheck(buildDir, [`-DCMAKE_TOOLCHAIN_FILE=${join(ROOT, 'cmake', toolchain.file)}`, '-DCMAKE_BUILD_TYPE=Release']);
  });

  test(`gemm: every ISA of the emulated CPU, NEON included, matches the reference (${label})`, () => {
    const r = qemu(['gemm']);
    assert.match(r.stdout, /^isas: .*\bneon\b/m, `neon is not among the ISAs:\n${r.output}`);
    assert.is(r.status, 0, `gemm check failed:\n${r.output}`);
    assert.match(r.stdout, /^gemm neon: \d+ cases ok$/m, r.output);
  });

  test(`vector: NEON activations, softmax and LayerNorm match the scalar references (${label})`, () => {
    const r = qemu(['vector']);
    assert.is(r.status, 0, `vector check failed:\n${r.output}`);
    assert.match(r.stdout, /^vector neon: \d+ cases ok$/m, r.output);
  });

  for (const name of TINY_MODELS) {
    for (const isa of ['neon', 'scalar']) {
      test(`${name} matches Hugging Face (${label}, isa ${isa})`, () => {
        const f = fixture(name);
        const out = join(tmp, `${name}-${toolchain.name}-${isa}.out`);
        const r = qemu(['forward', f.bundle, isa, out]);
        assert.is(r.status, 0, `forward failed:\n${r.output}`);
        checkOutputs(`${name} (${toolchain.name}, ${isa})`, f, readOutputs(out));
      });
    }
  }
}

for (const toolchain of TOOLCHAINS) {
  const missing = toolchain.tools.filter((tool) => !onPath(tool));
  if (missing.length === 0) {
    registerTests(toolchain);
  } else {
    // No tests registered: a check that did not run must not count as passed.
    console.error(`note: the ARM64 check with ${toolchain.name} did not run (${missing.join(' and ')} not on PATH); `
      + `install them with: apt-get install ${toolchain.packages}`);
  }
}

test.run();
