// Worker threads for the tests that run the addon in several threads at once.
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker script at `url` and returns it with a promise of its first message, which
 * rejects when the worker fails or exits with a non-zero code before sending one.
 */
export function startWorker(url, workerData) {
  const worker = new Worker(url, { workerData });
  const firstMessage = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => { if (code !== 0) reject(new Error(`worker exited with ${code}`)); });
  });
  return { worker, firstMessage };
}
