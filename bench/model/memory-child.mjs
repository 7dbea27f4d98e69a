// Child process for peak-RSS measurement (run by memory.mjs, one engine per process).
//   node memory-child.mjs <engine: none|albert-native|albert-native-bf16|onnxruntime-node>
//                         <modelDir> <threads> <phase: load|forward> <batch> <seq>
// Prints one JSON line: { maxRssBytes }: the peak resident set of this process.
//
// Peak RSS is VmHWM from /proc/self/status. Not process.resourceUsage().maxRSS:
// on Linux, ru_maxrss survives fork + execve, so a child reports the parent's
// peak when that is higher (the bench parent holds three models at that point).

import fs from 'node:fs';

import { makeInputs } from './cases.mjs';
import { createAlbertEngine, createOrtEngine } from './engines.mjs';

const [engineName, modelDir, threadsArg, phase, batchArg, seqArg] = process.argv.slice(2);
const threads = Number(threadsArg);

async function createEngine() {
  switch (engineName) {
    case 'none':
      return null;
    case 'albert-native':
      return createAlbertEngine(modelDir, { threads });
    case 'albert-native-bf16':
      return createAlbertEngine(modelDir, { threads, precision: 'bf16' });
    case 'onnxruntime-node':
      return createOrtEngine(modelDir, { threads });
    default:
      throw new Error(`unknown engine ${engineName}`);
  }
}

const engine = await createEngine();
if (engine && phase === 'forward') {
  const inputs = makeInputs({ batch: Number(batchArg), seq: Number(seqArg) });
  await engine.forward(engine.prepare(inputs));
}
process.stdout.write(`${JSON.stringify({ maxRssBytes: peakRssBytes() })}\n`);

function peakRssBytes() {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024; // may include the parent's peak on Linux (see above)
}
