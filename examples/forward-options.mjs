import { AlbertModel, AlbertError } from 'albert-native';

const model = await AlbertModel.fromPretrained('test/fixtures/models/tiny-groups-seqcls', {
  threads: 2,
  head: 'base',                      // override config.architectures
  batching: { maxBatchSize: 32, maxWaitMs: 2 },
});
const out = await model.forward(
  { inputIds: [[2, 48, 91, 3, 0]], attentionMask: [[1, 1, 1, 1, 0]] },
  { outputHiddenStates: true, outputAttentions: true },
);
console.log(out.hiddenStates.length, out.attentions.length); // 7 12: 6 layers + 1, 6 x 2 inner
try {
  await model.forward({ inputIds: [[2, 5000, 3]] });
} catch (e) {
  if (e instanceof AlbertError) console.log(e.code, e.message); // ERR_INPUT ... token id ...
}
console.log(model.stats());
model.dispose();
