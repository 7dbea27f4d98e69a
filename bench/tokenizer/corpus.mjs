// Benchmark corpus: the English lines of the tokenizer goldens (botchan.txt and the English
// fortunes), one text per line, repeated to the requested size.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/tokenizer/', import.meta.url));
const NON_ENGLISH = /^fortunes:(de|it|es|ru|tang300)\//;

function englishLines(file) {
  return readFileSync(FIXTURES + file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((g) => /botchan/i.test(g.source) || (g.source.startsWith('fortunes:') && !NON_ENGLISH.test(g.source)))
    .map((g) => g.text.replace(/\s+/g, ' ').trim())
    .filter((t) => t.length > 0);
}

/** Lines whose UTF-8 size adds up to at least `bytes`. */
export function buildCorpus(bytes) {
  const unit = [...englishLines('golden-tiny-1000.jsonl'), ...englishLines('golden-albert-30k.jsonl')];
  const lines = [];
  let size = 0;
  while (size < bytes) {
    for (const l of unit) { lines.push(l); size += Buffer.byteLength(l) + 1; }
  }
  return { lines, bytes: size, uniqueLines: unit.length };
}
