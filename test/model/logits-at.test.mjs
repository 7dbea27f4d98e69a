// forward(..., { logitsAt }) computes masked-LM logits only at chosen positions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlbertModel } from 'albert-native';
import { rejectsWithCode } from '../helpers/assert.mjs';
import { modelDir } from '../helpers/golden.mjs';

const inputs = {
  inputIds: [[2, 40, 4, 77, 3, 0], [2, 9, 8, 4, 11, 3]],
  attentionMask: [[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1]],
};
const at = [[0, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 0]];

test('selected rows equal the same rows of the full logits, in (batch, position) order', async () => {
  const model = await AlbertModel.fromPretrained(modelDir('tiny-pretraining'), { threads: 2 });
  try {
    const full = (await model.forward(inputs)).predictionLogits;
    const [concurrentA, concurrentB] = await Promise.all([
      model.forward(inputs, { logitsAt: at }),
      model.forward({ inputIds: [[2, 5, 6, 3]] }, { logitsAt: [[0, 1, 1, 0]] }),
    ]);
    const V = full.dims[2], S = full.dims[1];
    assert.equal(concurrentA.predictionLogits.dims, [4, V]);
    assert.equal(concurrentB.predictionLogits.dims, [2, V]);
    const rows = [[0, 2], [0, 4], [1, 1], [1, 3]];
    rows.forEach(([b, p], i) => {
      const want = full.data.subarray((b * S + p) * V, (b * S + p + 1) * V);
      const got = concurrentA.predictionLogits.data.subarray(i * V, (i + 1) * V);
      for (let v = 0; v < V; ++v) assert.ok(Math.abs(got[v] - want[v]) < 1e-5, `row ${i} vocab ${v}`);
    });
    assert.equal(concurrentA.sopLogits.dims, [2, 2]);
  } finally {
    model.dispose();
  }
});

test('logitsAt is checked: dims, values, padded positions, head', async () => {
  const model = await AlbertModel.fromPretrained(modelDir('tiny-pretraining'), { threads: 1 });
  const cls = await AlbertModel.fromPretrained(modelDir('tiny-groups-seqcls'), { threads: 1 });
  try {
    await rejectsWithCode(model.forward(inputs, { logitsAt: [[1, 0]] }), 'ERR_INPUT', /logitsAt dims/);
    await rejectsWithCode(model.forward(inputs, { logitsAt: [[0, 0, 2, 0, 0, 0], [0, 0, 0, 0, 0, 0]] }), 'ERR_INPUT', /logitsAt\[2\] = 2/);
    await rejectsWithCode(model.forward(inputs, { logitsAt: [[0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0]] }), 'ERR_INPUT', /padded position 5 of row 0/);
    await rejectsWithCode(cls.forward({ inputIds: [[2, 3]] }, { logitsAt: [[1, 1]] }), 'ERR_INPUT', /masked-lm or pretraining head/);
  } finally {
    model.dispose();
    cls.dispose();
  }
});

test.run();
