// precision: 'bf16', on each bf16 kernel the CPU has (ALBERT_BF16 forces one), keeps
// albert-base-random's answers: cosine >= 0.999 for every token's hidden state against the
// fp32 goldens, and the same MLM top-1 token at most positions (see the threshold below).
// The goldens hold logits at 54 positions only (one near-tie there, margin 6e-4, decides 98%
// vs 100%), so top-1 is counted at every real position of every case: against the golden
// logits where they exist, else against our fp32 logits, which golden.test.mjs pins to HF
// within 1e-4 (checked again here at the golden positions).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertError, AlbertModel, cpuInfo } from 'albert-native';
import { BASE_MODEL_DIR, hasBaseModel, modelDir, TINY_MODELS } from '../helpers/golden.mjs';
import { checkAgainstGolden, worstCosineVsFp32 } from '../helpers/precision.mjs';

const cpu = cpuInfo();

// Loads with ALBERT_BF16 set to `path` (models read it when they load), checking it took.
async function loadBf16(path, dir, options) {
  const saved = process.env.ALBERT_BF16;
  process.env.ALBERT_BF16 = path;
  try {
    const model = await AlbertModel.fromPretrained(dir, { threads: 2, ...options, precision: 'bf16' });
    assert.is(model.bf16Path, path);
    return model;
  } finally {
    if (saved === undefined) delete process.env.ALBERT_BF16;
    else process.env.ALBERT_BF16 = saved;
  }
}

function checkBf16(path, dir, thresholds) {
  return checkAgainstGolden((options) => loadBf16(path, dir, options), dir, thresholds);
}

// Every tiny fixture (head dims 16 and 48, hidden and FFN sizes that are not multiples of the
// 32-wide AMX blocks, 1 to 2 layer groups): bf16's last hidden state against fp32's, per token.
async function checkBf16Shapes(path, name) {
  const bf16 = await loadBf16(path, modelDir(name), {});
  try {
    const worst = await worstCosineVsFp32(bf16, name);
    assert.ok(worst >= 0.999, `${path} ${name}: worst token cosine ${worst}`);
  } finally {
    bf16.dispose();
  }
}

for (const path of cpu.supportedBf16Paths) {
  test(`bf16 ${path} on every tiny fixture: cosine >= 0.999 per token against fp32`, async () => {
    for (const name of TINY_MODELS) await checkBf16Shapes(path, name);
  });

  test(`bf16 ${path} on tiny-pretraining stays close to the fp32 goldens`, () => checkBf16(path, modelDir('tiny-pretraining'), { minCosine: 0.999, minTop1: 0.95 }));
  if (hasBaseModel) {
    // Issue #4's target. 2% of this random checkpoint's positions have their top two words
    // closer than 0.0035, so top-1 is sensitive to the weights' rounding: with one rounding in
    // all 12 runs of the shared layer, 16 (AMX) and 19 (AVX512-BF16) of 926 positions flipped;
    // alternating two roundings (Bf16Rounding::kPartner) leaves 8 and 5. On AMX that is close to
    // the 9 allowed: a build at -O1 flips 12, since any change in float evaluation order moves
    // where the activations' bf16 rounding falls, and with it a few near-ties (RESULTS.md).
    // The logits' RMS error is the stable measure: median 3.07e-3 (AMX) and 2.87e-3
    // (AVX512-BF16) with alternating roundings, 3.79e-3 and 3.77e-3 with one; 3.4e-3 tells them
    // apart.
    test(`bf16 ${path} on albert-base-random: cosine >= 0.999 per token, MLM top-1 >= 99%, logit RMS error <= 3.4e-3`, () =>
      checkBf16(path, BASE_MODEL_DIR, { minCosine: 0.999, minTop1: 0.99, maxLogitRms: 3.4e-3 }));
  }
}

if (cpu.bf16) {
  test("bf16Rounding: 'alternating' (default) holds a second rounding of the shared layers; 'nearest' one", async () => {
    const dir = modelDir('tiny-pretraining');  // one group, run by every layer
    const alternating = await AlbertModel.fromPretrained(dir, { threads: 1, precision: 'bf16' });
    const nearest = await AlbertModel.fromPretrained(dir, { threads: 1, precision: 'bf16', bf16Rounding: 'nearest' });
    assert.is(alternating.bf16Rounding, 'alternating');
    assert.is(nearest.bf16Rounding, 'nearest');
    // The second rounding: the four shared matrices once more in bf16 (Q|K|V, dense, ffn,
    // ffn_output); the biases are not repeated.
    const { hiddenSize: H, intermediateSize: F } = alternating.config;
    assert.is(alternating.weightBytes - nearest.weightBytes, (4 * H * H + 2 * F * H) * 2);
    // Odd layers run on the other rounding, so the answers differ (slightly).
    const inputs = { inputIds: { data: Int32Array.from([2, 15, 27, 99, 3]), dims: [1, 5] } };
    const [a, b] = [await alternating.forward(inputs), await nearest.forward(inputs)];
    assert.ok(a.lastHiddenState.data.some((v, i) => v !== b.lastHiddenState.data[i]), 'the two roundings give the same hidden states');
    alternating.dispose();
    nearest.dispose();
  });
}

test('bf16Rounding is checked: a known value, with precision bf16 only', async () => {
  const dir = modelDir('tiny-pretraining');
  for (const [options, pattern] of [
    [{ precision: 'fp32', bf16Rounding: 'nearest' }, /applies to precision 'bf16' only/],
    [{ precision: 'bf16', bf16Rounding: 'stochastic' }, /bf16Rounding must be 'alternating' or 'nearest', got "stochastic"/],
  ]) {
    try {
      await AlbertModel.fromPretrained(dir, options);
      assert.unreachable(`${JSON.stringify(options)} should be refused`);
    } catch (e) {
      assert.instance(e, AlbertError);
      assert.is(e.code, 'ERR_CONFIG');
      assert.match(e.message, pattern);
    }
  }
  const fp32 = await AlbertModel.fromPretrained(dir, { threads: 1 });
  assert.is(fp32.bf16Rounding, null);
  fp32.dispose();
});

if (cpu.bf16) {
  test('ALBERT_BF16 naming an unknown kernel is refused with ERR_ISA naming it', async () => {
    try {
      await loadBf16('tpu', modelDir('tiny-pretraining'), {});
      assert.unreachable('should refuse');
    } catch (e) {
      assert.instance(e, AlbertError);
      assert.is(e.code, 'ERR_ISA');
      assert.match(e.message, /ALBERT_BF16: .*'tpu'/);
    }
  });
} else {
  test('bf16 is refused clearly on a CPU without AMX-BF16 or AVX512-BF16', async () => {
    try {
      await AlbertModel.fromPretrained(modelDir('tiny-pretraining'), { precision: 'bf16' });
      assert.unreachable('should refuse');
    } catch (e) {
      assert.instance(e, AlbertError);
      assert.is(e.code, 'ERR_ISA');
    }
  });
}

test.run();
