// Shared paths and loaders for the tokenizer tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/tokenizer/', import.meta.url));
export const ALBERT_30K = FIXTURES + 'albert-30k.model';
export const TINY_1000 = FIXTURES + 'tiny-1000.model';

export function readJsonl(name) {
  return readFileSync(FIXTURES + name, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
}

/** Short printable label for a golden text in assertion messages. */
export const label = (text) => JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text);
