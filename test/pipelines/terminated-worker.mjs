// Worker body for workers.test.mjs's termination test: runs forwards back to back until it is
// terminated, so that a forward is in flight when that happens.
import { parentPort, workerData } from 'node:worker_threads';
import { AlbertModel } from 'albert-native';

const model = await AlbertModel.fromPretrained(workerData.dir, { threads: 1 });
const inputIds = { data: new Int32Array(8 * 48).fill(7), dims: [8, 48] };
parentPort.postMessage('running');
for (;;) await model.forward({ inputIds });
