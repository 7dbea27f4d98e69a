import { pipeline } from 'albert-native';

const fill = await pipeline('fill-mask', 'test/fixtures/models/tiny-pretraining', { threads: 2 });
console.log(await fill('The old woman made me some [MASK].', { topK: 3 }));
// [{ score, token, tokenStr, sequence }, ...] best first
fill.dispose();
