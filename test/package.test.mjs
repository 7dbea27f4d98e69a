// The package loads with import and with require, and both expose the same API.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import * as esm from 'albert-native';

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

test.run();
