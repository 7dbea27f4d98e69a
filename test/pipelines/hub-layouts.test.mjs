// A folder laid out as many fine-tunes on the Hugging Face Hub are: config.json,
// pytorch_model.bin and tokenizer.json, with neither model.safetensors nor spiece.model. The
// pipeline on it answers exactly as on the original folder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'albert-native';
import { buildTokenizerJson } from '../../bench/tokenizer/hf-json.mjs';
import { withFolder } from '../helpers/folder.mjs';
import { FIXTURES, modelDir } from '../helpers/golden.mjs';

const TINY = modelDir('tiny-pretraining');
const TEXTS = ['The old woman made me some [MASK].', 'It cost 1,000 [MASK], said the man.'];

test('fill-mask on pytorch_model.bin + tokenizer.json gives the same answers as on model.safetensors + spiece.model', async () => {
  const files = {
    'config.json': readFileSync(join(TINY, 'config.json')),
    'pytorch_model.bin': readFileSync(join(FIXTURES, 'pytorch', 'tiny-pretraining-zip.bin')),
    'tokenizer.json': buildTokenizerJson(join(TINY, 'spiece.model')),
  };
  await withFolder(files, async (dir) => {
    const original = await pipeline('fill-mask', TINY, { threads: 1 });
    const hub = await pipeline('fill-mask', dir, { threads: 1 });
    try {
      assert.equal(await hub(TEXTS, { topK: 3 }), await original(TEXTS, { topK: 3 }));
    } finally {
      original.dispose();
      hub.dispose();
    }
  });
});

test.run();
