// Peak RSS of loading the model, and of load + one forward, each in a fresh
// `node` child process so that nothing from this process (other engines, the
// timing runs) is counted.

import { fileURLToPath } from 'node:url';

import { runJsonChild } from '../child.mjs';

const CHILD = fileURLToPath(new URL('./memory-child.mjs', import.meta.url));

function measure(engine, modelDir, threads, phase, batch, seq) {
  return runJsonChild(CHILD, [engine, modelDir, threads, phase, batch, seq], `memory child (${engine} ${phase})`).maxRssBytes;
}

function lastLine(text) {
  const lines = text.trim().split('\n');
  return lines.find((l) => /^\w*Error\b/.test(l)) ?? lines[0];
}

/**
 * engines: child engine names (see memory-child.mjs).
 * Returns { baselineBytes, rows: [{ engine, loadBytes, forwardBytes }] }.
 */
export function measureMemory({ engines, modelDir, threads, batch, seq, log = () => {} }) {
  const baselineBytes = measure('none', modelDir, threads, 'load', batch, seq);
  const rows = engines.map((engine) => {
    log(`memory: ${engine}`);
    try {
      return {
        engine,
        loadBytes: measure(engine, modelDir, threads, 'load', batch, seq),
        forwardBytes: measure(engine, modelDir, threads, 'forward', batch, seq),
      };
    } catch (err) {
      log(err.message);
      return { engine, error: lastLine(err.message) };
    }
  });
  return { baselineBytes, rows };
}
