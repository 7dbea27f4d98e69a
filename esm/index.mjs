// ESM entry: the package is compiled to CommonJS (dist/); this re-exports it by name.
// test/package.test.mjs checks this list matches dist/index.js exactly.
import cjs from '../dist/index.js';

export const {
  AlbertModel,
  AlbertError,
  AlbertTokenizer,
  SentencePieceProcessor,
  HEADS,
  groupOfLayer,
  parseSafetensors,
  cpuInfo,
  pipeline,
  PIPELINE_TASKS,
} = cjs;
export default cjs;
