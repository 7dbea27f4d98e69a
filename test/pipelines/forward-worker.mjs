// Worker body for workers.test.mjs: loads its own model, runs one forward and a fill-mask call.
import { parentPort, workerData } from 'node:worker_threads';
import { AlbertModel, pipeline } from 'albert-native';

const model = await AlbertModel.fromPretrained(workerData.dir, { threads: 2 });
const out = await model.forward({ inputIds: workerData.inputIds });
model.dispose();
const fill = await pipeline('fill-mask', workerData.dir, { threads: 2 });
const filled = await fill(workerData.text, { topK: 3 });
fill.dispose();
parentPort.postMessage({ predictionLogits: out.predictionLogits.data, sopLogits: out.sopLogits.data, filled });
