// ALBERT_ISA forces the engine's instruction-set path for the whole process; a path the CPU
// lacks, or an unknown name, is a clear ERR_ISA at load time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpuInfo } from 'albert-native';
import { modelDir } from '../helpers/golden.mjs';

const script = `
  const { AlbertModel } = require('albert-native');
  AlbertModel.fromPretrained(${JSON.stringify(modelDir('tiny-pretraining'))}, { threads: 1 })
    .then(async (m) => {
      const out = await m.forward({ inputIds: [[2, 10, 3]] });
      console.log(JSON.stringify({ isa: m.isa, sop: Array.from(out.sopLogits.data) }));
    })
    .catch((e) => console.log(JSON.stringify({ code: e.code, message: e.message })));
`;

function loadWith(env) {
  const run = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim());
}

test('ALBERT_ISA selects the path every model uses, with the same answers', () => {
  const results = cpuInfo().supportedIsas.map((isa) => ({ isa, out: loadWith({ ALBERT_ISA: isa }) }));
  for (const { isa, out } of results) assert.is(out.isa, isa);
  const [first] = results;
  for (const { out } of results) {
    out.sop.forEach((v, i) => assert.ok(Math.abs(v - first.out.sop[i]) < 1e-4, `${out.isa} sop ${v} vs ${first.out.sop[i]}`));
  }
});

test('an unknown ALBERT_ISA is refused with ERR_ISA naming it', () => {
  const out = loadWith({ ALBERT_ISA: 'sse9' });
  assert.is(out.code, 'ERR_ISA');
  assert.match(out.message, /^ALBERT_ISA: unknown ISA 'sse9'/);
  assert.not.match(out.message, /ALBERT_ISA: ALBERT_ISA/);
});

test.run();
