import { SentencePieceProcessor, AlbertTokenizer } from 'albert-native';
import { readFileSync } from 'node:fs';
for (let r = 0; r < 3; r++) {
let t=performance.now();
const sp = SentencePieceProcessor.fromFile('test/fixtures/tokenizer/albert-30k.model');
let t1=performance.now();
const tok = new AlbertTokenizer(sp);
let t2=performance.now();
console.log('sp load', (t1-t).toFixed(1), 'tok', (t2-t1).toFixed(1));
}
const sp = SentencePieceProcessor.fromFile('test/fixtures/tokenizer/albert-30k.model');
const tok = new AlbertTokenizer(sp);
const lines = readFileSync('test/fixtures/tokenizer/golden-albert-30k.jsonl','utf8').split('\n').filter(Boolean).map(l=>JSON.parse(l).text).filter(t => /^[\x20-\x7e]+$/.test(t));
const text = lines.join('\n');
let big = ''; while (big.length < 2e6) big += text + '\n';
const ls = big.split('\n');
for (let r = 0; r < 3; r++) {
  let t = performance.now(); let n = 0;
  for (const l of ls) n += tok.encode(l, null, {addSpecialTokens:false}).inputIds.length;
  let dt = performance.now() - t;
  console.log('albert', (big.length/1e6/(dt/1000)).toFixed(2), 'MB/s', n, 'tokens');
  t = performance.now(); n = 0;
  for (const l of ls) n += sp.encodeIds(l).length;
  dt = performance.now() - t;
  console.log('sp', (big.length/1e6/(dt/1000)).toFixed(2), 'MB/s', n);
}
