// Worker body for shared-weights.test.mjs: loads the model in its own thread while the main
// thread holds one, and reports whether the weights were shared and what a forward gives.
import { parentPort, workerData } from 'node:worker_threads';
import { AlbertModel } from 'albert-native';

const model = await AlbertModel.fromPretrained(workerData.dir, { threads: 1 });
const out = await model.forward({ inputIds: workerData.inputIds });
parentPort.postMessage({ weightsShared: model.weightsShared, logits: out.predictionLogits.data });
model.dispose();
