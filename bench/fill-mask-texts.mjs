// Mixed-length fill-mask texts for the request benchmarks (batcher.mjs, workers.mjs): English
// lines of the tokenizer goldens, cut to 4-63 words, each with one [MASK].
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOLDEN = join(fileURLToPath(new URL('..', import.meta.url)), 'test', 'fixtures', 'tokenizer', 'golden-albert-30k.jsonl');

export function makeTexts(n) {
  const lines = readFileSync(GOLDEN, 'utf8')
    .split('\n').filter(Boolean).map((l) => JSON.parse(l).text)
    .filter((t) => /^[\x20-\x7e]{20,400}$/.test(t));
  const texts = [];
  for (let i = 0; texts.length < n; ++i) {
    const words = lines[(i * 7919) % lines.length].split(' ');
    const keep = words.slice(0, 4 + ((i * 37) % 60));
    keep[(i * 13) % keep.length] = '[MASK]';
    texts.push(keep.join(' '));
  }
  return texts;
}
