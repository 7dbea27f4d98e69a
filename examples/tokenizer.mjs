import { AlbertTokenizer } from 'albert-native';

const tok = await AlbertTokenizer.fromPretrained('test/fixtures/models/tiny-pretraining');
const enc = tok.encode('The cat sat.', 'On the mat.', { maxLength: 16, padding: 'max_length', returnOffsets: true });
console.log(enc.inputIds, enc.tokenTypeIds, enc.offsets);
console.log(tok.decode(enc.inputIds, { skipSpecialTokens: true }));
