// The shared-layer schedule and head selection, as HF defines them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertModel, groupOfLayer } from 'albert-native';
import { modelDir } from '../helpers/golden.mjs';

test('groupOfLayer follows int(i / (layers / groups))', () => {
  const config = { numHiddenLayers: 6, numHiddenGroups: 2 };
  assert.equal([0, 1, 2, 3, 4, 5].map((i) => groupOfLayer(config, i)), [0, 0, 0, 1, 1, 1]);
  const uneven = { numHiddenLayers: 12, numHiddenGroups: 5 };
  assert.equal(Array.from({ length: 12 }, (_, i) => groupOfLayer(uneven, i)), [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4]);
});

test('config.architectures picks the head; the head option overrides it', async () => {
  const dir = modelDir('tiny-groups-seqcls');
  const cls = await AlbertModel.fromPretrained(dir, { threads: 1 });
  const base = await AlbertModel.fromPretrained(dir, { threads: 1, head: 'base' });
  try {
    assert.is(cls.head, 'sequence-classification');
    assert.is(cls.config.numLabels, 3);
    assert.is(cls.config.id2label[2], 'positive');
    assert.is(base.head, 'base');
    const inputs = { inputIds: [[2, 10, 20, 3]] };
    const [a, b] = await Promise.all([cls.forward(inputs), base.forward(inputs)]);
    assert.equal(a.logits.dims, [1, 3]);
    assert.is(b.logits, undefined);
    assert.equal(Array.from(a.lastHiddenState.data), Array.from(b.lastHiddenState.data));
    assert.equal(Array.from(a.poolerOutput.data), Array.from(b.poolerOutput.data));
  } finally {
    cls.dispose();
    base.dispose();
  }
});

test('weights are held once per group, not once per layer', async () => {
  // tiny-groups-seqcls: 6 layers, 2 groups x 2 inner layers = 4 distinct layers.
  const model = await AlbertModel.fromPretrained(modelDir('tiny-groups-seqcls'), { threads: 1 });
  try {
    const c = model.config;
    const H = c.hiddenSize, F = c.intermediateSize;
    const perLayer = 4 * (H * H + H) + 2 * H * F + F + H + 4 * H;
    const distinct = c.numHiddenGroups * c.innerGroupNum * perLayer * 4;
    assert.ok(model.weightBytes < distinct + 500_000, `weightBytes ${model.weightBytes}`);
    assert.ok(model.weightBytes >= distinct, `weightBytes ${model.weightBytes} holds every distinct layer`);
  } finally {
    model.dispose();
  }
});

test.run();
