// The package loads with import and with require, and both expose the same API.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esm from 'albert-native';
import * as gemmHelpers from './kernels/gemm_helpers.mjs';

const require = createRequire(import.meta.url);

test('require() and import expose the same names', () => {
  const cjs = require('albert-native');
  const cjsNames = Object.keys(cjs).filter((k) => k !== '__esModule').sort();
  const esmNames = Object.keys(esm).filter((k) => k !== 'default').sort();
  assert.equal(esmNames, cjsNames);
  assert.is(esm.AlbertModel, cjs.AlbertModel);
});

test('the public classes and functions are there', () => {
  for (const name of ['AlbertModel', 'AlbertError', 'AlbertTokenizer', 'SentencePieceProcessor', 'cpuInfo']) {
    assert.type(esm[name], 'function', name);
  }
  const cpu = esm.cpuInfo();
  assert.ok(cpu.supportedIsas.includes('scalar'));
  assert.ok(cpu.supportedIsas.includes(cpu.defaultIsa));
});

test('cpuInfo() reports the bf16 kernels consistently', () => {
  const cpu = esm.cpuInfo();
  assert.is(cpu.bf16, cpu.supportedBf16Paths.length > 0);
  assert.is(cpu.amx, cpu.supportedBf16Paths.includes('amx'));
  if (cpu.bf16) assert.ok(cpu.supportedBf16Paths.includes(cpu.bf16Path));
  else assert.is(cpu.bf16Path, null);
});

test('an unbuilt addon is ERR_NATIVE saying how to build it', () => {
  // The compiled TypeScript without build/Release next to it, as in a project where npm
  // held back albert-native's install script.
  const dir = mkdtempSync(join(tmpdir(), 'albert-unbuilt-'));
  try {
    cpSync(require.resolve('albert-native').replace(/index\.js$/, ''), join(dir, 'dist'), { recursive: true });
    const unbuilt = require(join(dir, 'dist', 'index.js'));
    try {
      unbuilt.cpuInfo();
      assert.unreachable('should throw');
    } catch (e) {
      assert.instance(e, unbuilt.AlbertError);
      assert.is(e.code, 'ERR_NATIVE');
      assert.match(e.message, /cannot load the native addon/);
      assert.match(e.message, /npm rebuild albert-native/);
      assert.match(e.message, /npm install-scripts approve albert-native/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two copies of the addon in one process each run on their own', () => {
  // What an app with two albert-native versions gets: each copy with its own kernels, thread
  // pools and scratch buffers, giving the same answer.
  const addon = join(require.resolve('albert-native'), '..', '..', 'build', 'Release', 'albert_native.node');
  const dir = mkdtempSync(join(tmpdir(), 'albert-copy-'));
  try {
    const copy = join(dir, 'albert_native.node');
    cpSync(addon, copy);
    const [one, two] = [require(addon)._testing, require(copy)._testing];
    assert.is.not(one, two);
    const { makeCase } = gemmHelpers;
    const opts = { ...makeCase({ m: 129, n: 300, k: 200, bTransposed: true, bias: true, residual: true, activation: 'gelu_new', seed: 9 }), threads: 2 };
    assert.equal(Array.from(two.gemm(opts)), Array.from(one.gemm(opts)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the addon exports only its Node-API entry points, none of the engine', () => {
  // Hidden visibility keeps two copies of the addon in one process (two albert-native
  // versions in one app) from binding each other's functions and statics.
  const addon = join(require.resolve('albert-native'), '..', '..', 'build', 'Release', 'albert_native.node');
  const symbols = execFileSync('nm', ['-D', '--defined-only', addon], { encoding: 'utf8' }).split('\n').filter(Boolean);
  assert.ok(symbols.some((line) => line.endsWith(' napi_register_module_v1')));
  const ours = symbols.filter((line) => /albert|Napi/.test(line));
  assert.equal(ours, [], ours.slice(0, 5).join('\n'));
});

test.run();
