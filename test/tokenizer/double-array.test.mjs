// The byte-keyed double-array trie behind the unigram lattice: every lookup agrees with a
// plain Map over the same keys, and the build does not depend on the keys' order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { DoubleArrayTrie } = require('../../dist/tokenizer/double-array.js');

// A small deterministic generator (xorshift32), so a failure reproduces.
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

// Keys that share prefixes (drawn from a few stems), use every byte value 0-255, and include
// keys that are prefixes of other keys; the root gets more than 32 children.
function randomKeys(count, seed) {
  const next = random(seed);
  const stems = Array.from({ length: 20 }, () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => Math.floor(next() * 256)));
  const seen = new Map();
  while (seen.size < count) {
    const key = next() < 0.7 ? [...stems[Math.floor(next() * stems.length)]] : [];
    const extra = Math.floor(next() * 5) + (key.length === 0 ? 1 : 0);
    for (let i = 0; i < extra; i++) key.push(next() < 0.2 ? 255 * Math.round(next()) : Math.floor(next() * 256));
    seen.set(key.join(','), Uint8Array.from(key));
  }
  return [...seen.values()];
}

const naiveLongestPrefix = (map, bytes, start, end) => {
  for (let len = end - start; len > 0; len--) if (map.has(bytes.subarray(start, start + len).join(','))) return len;
  return 0;
};

test('exactMatch and longestPrefix agree with a Map, for keys, prefixes and strangers', () => {
  for (const seed of [1, 7, 2024]) {
    const keys = randomKeys(3000, seed);
    const values = keys.map((_, i) => i * 3 + 1);
    const trie = DoubleArrayTrie.build(keys, values);
    const map = new Map(keys.map((k, i) => [k.join(','), values[i]]));
    keys.forEach((k, i) => assert.is(trie.exactMatch(k, 0, k.length), values[i], `key ${k}`));
    const next = random(seed + 1);
    for (let n = 0; n < 3000; n++) {
      const base = keys[Math.floor(next() * keys.length)];
      // A key with random bytes appended, or a random cut of one: hits and misses alike.
      const probe = Uint8Array.from([...base.subarray(0, Math.floor(next() * (base.length + 1))), ...Array.from({ length: Math.floor(next() * 4) }, () => Math.floor(next() * 256))]);
      assert.is(trie.exactMatch(probe, 0, probe.length), map.get(probe.join(',')) ?? -1, `exact ${probe}`);
      const start = Math.floor(next() * (probe.length + 1));
      assert.is(trie.longestPrefix(probe, start, probe.length), naiveLongestPrefix(map, probe, start, probe.length), `prefix ${probe} from ${start}`);
    }
  }
});

test('the arrays do not depend on the order the keys come in', () => {
  const keys = randomKeys(2000, 99);
  const values = keys.map((_, i) => i);
  const a = DoubleArrayTrie.build(keys, values);
  const order = keys.map((_, i) => i).reverse();
  const b = DoubleArrayTrie.build(order.map((i) => keys[i]), order.map((i) => values[i]));
  assert.equal(Array.from(b.base), Array.from(a.base));
  assert.equal(Array.from(b.check), Array.from(a.check));
  assert.equal(Array.from(b.value), Array.from(a.value));
});

test.run();
