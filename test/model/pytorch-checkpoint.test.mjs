// pytorch_model.bin folders: torch.save's zip and legacy formats give the same tensors, and the
// same model, as the fixture's model.safetensors; damaged files and pickles that ask for more
// than a state dict are refused with ERR_PYTORCH. The .bin fixtures and how they were written:
// test/fixtures/pytorch/make_checkpoints.py.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlbertModel } from 'albert-native';
import { readConfig, readSafetensors, writeModelDir } from '../helpers/checkpoint.mjs';
import { rejectsWithCode } from '../helpers/assert.mjs';
import { FIXTURES, modelDir } from '../helpers/golden.mjs';

const require = createRequire(import.meta.url);
const { parsePytorchCheckpoint } = require('../../dist/model/pytorch/checkpoint.js');

const TINY = modelDir('tiny-pretraining');
const CONFIG = readConfig(TINY);
const SAFETENSORS = readSafetensors(join(TINY, 'model.safetensors'));
const TORCH = join(FIXTURES, 'pytorch');
const FORMATS = ['zip', 'legacy', 'views'];
const checkpointBytes = (format) => readFileSync(join(TORCH, `tiny-pretraining-${format}.bin`));

const INPUTS = {
  inputIds: { data: Int32Array.from([2, 45, 311, 7, 999, 3, 0, 0, 2, 17, 3, 5, 9, 88, 140, 3]), dims: [2, 8] },
  attentionMask: { data: Int32Array.from([1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]), dims: [2, 8] },
  tokenTypeIds: { data: Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]), dims: [2, 8] },
};

async function withModelDir(bytes, fn, options) {
  const { dir, cleanup } = writeModelDir(CONFIG, bytes, { weightsFile: 'pytorch_model.bin', ...options });
  try {
    return await fn(dir);
  } finally {
    cleanup();
  }
}

async function outputsOf(dir) {
  const model = await AlbertModel.fromPretrained(dir, { threads: 1, head: 'pretraining', shareWeights: false });
  try {
    const out = await model.forward(INPUTS);
    return { logits: out.predictionLogits.data, sop: out.sopLogits.data };
  } finally {
    model.dispose();
  }
}

/** name -> [dtype, shape, hex bytes] of a parsed checkpoint, for comparing two files' contents. */
function contents(path) {
  const { tensors } = parsePytorchCheckpoint(readFileSync(path), path);
  return [...tensors].map(([name, t]) => [name, t.dtype, t.shape, Buffer.from(t.data).toString('hex')]);
}

test('the committed .bin files hold what make_checkpoints.py writes', () => {
  const out = mkdtempSync(join(tmpdir(), 'albert-torch-'));
  try {
    execFileSync('python3', [join(TORCH, 'make_checkpoints.py'), out]);
    // Compared by content: another Python's pickler may frame the same pickle differently.
    for (const name of readdirSync(TORCH).filter((f) => f.endsWith('.bin'))) {
      assert.equal(contents(join(out, name)), contents(join(TORCH, name)), name);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('every format holds exactly the tensors of model.safetensors (shared storages, offsets, a transposed view)', () => {
  for (const format of FORMATS) {
    const { tensors } = parsePytorchCheckpoint(checkpointBytes(format), `${format}.bin`);
    assert.equal([...tensors.keys()].sort(), [...SAFETENSORS.keys()].sort(), `${format}: names`);
    for (const [name, want] of SAFETENSORS) {
      const got = tensors.get(name);
      assert.is(got.dtype, want.dtype, `${format} ${name}: dtype`);
      assert.equal(got.shape, want.shape, `${format} ${name}: shape`);
      assert.ok(Buffer.from(got.data).equals(want.bytes), `${format} ${name}: bytes`);
    }
  }
});

test('storage types map to dtypes; 0-d and empty tensors; non-tensor entries are skipped', () => {
  const { tensors } = parsePytorchCheckpoint(readFileSync(join(TORCH, 'dtypes.bin')), 'dtypes.bin');
  const view = (name, Type) => {
    const t = tensors.get(name);
    return Array.from(new Type(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength)));
  };
  assert.equal([...tensors.keys()], ['half', 'bfloat16', 'double', 'long', 'int', 'byte', 'bool', 'scalar', 'empty']);
  assert.equal(tensors.get('half').dtype, 'F16');
  assert.equal(tensors.get('half').shape, [2, 3]);
  assert.equal(view('half', Uint16Array), [0x0000, 0x3c00, 0x4000, 0x4200, 0x4400, 0x4500]); // 0..5
  assert.equal(tensors.get('bfloat16').dtype, 'BF16');
  assert.equal(view('bfloat16', Uint16Array), [0x3f80, 0xc000, 0x3f00, 0x4040]); // 1, -2, 0.5, 3
  assert.equal([tensors.get('double').dtype, ...view('double', Float64Array)], ['F64', 0.5, -2]);
  assert.equal([tensors.get('long').dtype, ...view('long', BigInt64Array)], ['I64', 0n, 1n, 2n, 3n, -4n]);
  assert.equal([tensors.get('int').dtype, ...view('int', Int32Array)], ['I32', 7, -1]);
  assert.equal([tensors.get('byte').dtype, ...view('byte', Uint8Array)], ['U8', 1, 2, 255]);
  assert.equal([tensors.get('bool').dtype, ...view('bool', Uint8Array)], ['BOOL', 1, 0, 1]);
  assert.equal([tensors.get('scalar').shape, ...view('scalar', Float32Array)], [[], 3.5]);
  assert.equal([tensors.get('empty').shape, tensors.get('empty').data.byteLength], [[0, 4], 0]);
});

test('legacy storage views: a tensor on a slice of another storage', () => {
  const { tensors } = parsePytorchCheckpoint(readFileSync(join(TORCH, 'legacy-storage-view.bin')), 'legacy-storage-view.bin');
  const values = (t) => Array.from(new Float32Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength)));
  assert.equal(values(tensors.get('whole')), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // The view starts at element 4 of the root, the tensor at element 1 of the view.
  assert.equal([tensors.get('from_view').shape, values(tensors.get('from_view'))], [[2, 2], [5, 6, 7, 8]]);
});

test('fromPretrained on a pytorch_model.bin folder: the same outputs as from model.safetensors', async () => {
  const want = await outputsOf(TINY);
  for (const format of FORMATS) {
    const got = await withModelDir(checkpointBytes(format), outputsOf);
    assert.equal(got.logits, want.logits, `${format}: prediction logits`);
    assert.equal(got.sop, want.sop, `${format}: SOP logits`);
  }
});

test('model.safetensors wins when a folder has both; a second load of the .bin shares its weights', async () => {
  await withModelDir(Buffer.from('not a checkpoint'), async (dir) => {
    copyFileSync(join(TINY, 'model.safetensors'), join(dir, 'model.safetensors'));
    const model = await AlbertModel.fromPretrained(dir, { threads: 1 });
    model.dispose();
  });
  await withModelDir(checkpointBytes('zip'), async (dir) => {
    const first = await AlbertModel.fromPretrained(dir, { threads: 1 });
    const second = await AlbertModel.fromPretrained(dir, { threads: 1 });
    assert.equal([first.weightsShared, second.weightsShared], [false, true]);
    first.dispose();
    second.dispose();
  });
});

test('a folder without weights names both files it looked for', async () => {
  const { dir, cleanup } = writeModelDir(CONFIG, null);
  try {
    await rejectsWithCode(AlbertModel.fromPretrained(dir), 'ERR_NOT_FOUND', /none of model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin, pytorch_model\.bin\.index\.json/);
  } finally {
    cleanup();
  }
});

/** The zip fixture with `edit` applied to a copy of its bytes. */
function editedZip(edit) {
  const bytes = Buffer.from(checkpointBytes('zip'));
  edit(bytes);
  return bytes;
}

/** Replaces every occurrence of `from` by `to` (same length) in `bytes`. */
function replaceAll(bytes, from, to) {
  assert.is(from.length, to.length);
  let at = bytes.indexOf(from);
  assert.ok(at >= 0, `${from} not found`);
  for (; at >= 0; at = bytes.indexOf(from, at + 1)) bytes.write(to, at, 'latin1');
}

const REFUSED = [
  ['a pickle that calls anything but a tensor rebuild', (b) => replaceAll(b, 'collections\nOrderedDict\n', 'subprocess\ncheck_output\n'), /names subprocess\.check_output.*refusing/],
  ['a truncated archive', (b) => b.fill(0, b.length - 200), /end-of-central-directory.*truncated/],
  ['a missing storage record', (b) => replaceAll(b, 'archive/data/5', 'archive/data/X'), /storage record "archive\/data\/5" is missing/],
  ['a compressed record', (b) => { b.writeUInt16LE(8, b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10); }, /record "archive\/data\.pkl" is compressed/],
  ['big-endian tensors', (b) => replaceAll(b, 'little', 'bigend'), /big-endian/],
  ['a pickle with an opcode a state dict never uses', (b) => { b[b.indexOf('collections') - 1] = 0x69; }, /opcode 0x69/],
];

test('damaged or unsafe zip checkpoints: ERR_PYTORCH naming the file and the problem', async () => {
  for (const [what, edit, pattern] of REFUSED) {
    await withModelDir(editedZip(edit), (dir) =>
      rejectsWithCode(AlbertModel.fromPretrained(dir, { threads: 1 }), 'ERR_PYTORCH', new RegExp(`pytorch_model\\.bin: .*${pattern.source}`)),
    ).catch((error) => {
      throw new Error(`${what}: ${error.message}`);
    });
  }
});

test('damaged legacy checkpoints and files that are not torch.save output', async () => {
  const legacy = checkpointBytes('legacy');
  const cases = [
    [legacy.subarray(0, legacy.length - 1000), /runs past the end of the file: truncated/],
    [legacy.subarray(0, 40), /truncated/],
    [readFileSync(join(TINY, 'model.safetensors')), /not a file torch\.save wrote/],
  ];
  for (const [bytes, pattern] of cases) {
    await withModelDir(bytes, (dir) => rejectsWithCode(AlbertModel.fromPretrained(dir, { threads: 1 }), 'ERR_PYTORCH', pattern));
  }
});

test('random damage to any format: parsed, or refused with ERR_PYTORCH, never another error', () => {
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (const format of FORMATS) {
    const original = checkpointBytes(format);
    for (let round = 0; round < 300; ++round) {
      const bytes = Buffer.from(original);
      // Mostly in the first 4 KiB, where the zip directory's first entries and the pickle are.
      for (let k = 0; k < 3; ++k) bytes[Math.floor(random() * (random() < 0.8 ? 4096 : bytes.length))] = Math.floor(random() * 256);
      try {
        parsePytorchCheckpoint(bytes, 'damaged.bin');
      } catch (error) {
        if (error.code !== 'ERR_PYTORCH') throw new Error(`${format} round ${round}: ${error.name}: ${error.message}`);
      }
    }
  }
});

test('a checkpoint missing a tensor the head needs: ERR_WEIGHTS, as from safetensors', async () => {
  await withModelDir(checkpointBytes('zip'), async (dir) => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...CONFIG, architectures: ['AlbertForQuestionAnswering'] }));
    await rejectsWithCode(AlbertModel.fromPretrained(dir, { threads: 1 }), 'ERR_WEIGHTS', /pytorch_model\.bin: missing tensor "qa_outputs\.weight"/);
  });
});

test.run();
