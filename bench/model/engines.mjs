// The two engines behind one interface:
//   engine.forward(inputs) -> Promise<{ lastHiddenState: Float32Array, poolerOutput: Float32Array }>
// where `inputs` comes from cases.mjs (Int32 tensors). Input conversion that an
// engine needs (ORT wants int64) is done once in prepare(), outside the timing.

import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** albert-native's { AlbertModel, cpuInfo }: the package entry, else dist/ directly. */
export async function loadAlbertNative() {
  try {
    const { AlbertModel, cpuInfo } = await import('albert-native');
    if (AlbertModel && cpuInfo) return { AlbertModel, cpuInfo };
  } catch {
    // The package entry can be mid-edit; the model API alone is enough here.
  }
  const { AlbertModel } = require('../../dist/model/index.js');
  const { cpuInfo } = require('../../dist/cpu.js');
  return { AlbertModel, cpuInfo };
}

export function loadOrt() {
  return require('onnxruntime-node');
}

export function ortVersion() {
  return require('onnxruntime-node/package.json').version;
}

/** albert-native with the bare 'base' head (last_hidden_state + pooler_output). */
export async function createAlbertEngine(modelDir, { threads, precision = 'fp32' }) {
  const { AlbertModel } = await loadAlbertNative();
  const model = await AlbertModel.fromPretrained(modelDir, { threads, head: 'base', precision });
  return {
    label: precision === 'fp32' ? 'albert-native' : `albert-native ${precision}`,
    isa: model.isa,
    prepare: (inputs) => ({
      inputIds: inputs.inputIds,
      attentionMask: inputs.attentionMask,
      tokenTypeIds: inputs.tokenTypeIds,
    }),
    async forward(prepared) {
      const out = await model.forward(prepared);
      return { lastHiddenState: out.lastHiddenState.data, poolerOutput: out.poolerOutput.data };
    },
    dispose: () => model.dispose(),
  };
}

/** onnxruntime-node on the CPU execution provider, ORT_ENABLE_ALL graph optimisations. */
export async function createOrtEngine(modelDir, { threads }) {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(path.join(modelDir, 'model.onnx'), {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const int64 = ({ data, dims }) => new ort.Tensor('int64', BigInt64Array.from(data, BigInt), dims);
  return {
    label: 'onnxruntime-node',
    prepare: (inputs) => ({
      input_ids: int64(inputs.inputIds),
      attention_mask: int64(inputs.attentionMask),
      token_type_ids: int64(inputs.tokenTypeIds),
    }),
    async forward(prepared) {
      const out = await session.run(prepared);
      return { lastHiddenState: out.last_hidden_state.data, poolerOutput: out.pooler_output.data };
    },
    dispose: () => session.release(),
  };
}
