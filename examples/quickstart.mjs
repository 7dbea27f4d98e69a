import { AlbertModel, AlbertTokenizer } from 'albert-native';

const dir = 'test/fixtures/models/tiny-pretraining'; // any Hugging Face ALBERT folder
const tokenizer = await AlbertTokenizer.fromPretrained(dir);
const model = await AlbertModel.fromPretrained(dir, { threads: 2 });

const batch = tokenizer.encodeBatch(['the old man was [MASK] at the door.', 'a short one.']);
const out = await model.forward(batch);
console.log(model.head, out.lastHiddenState.dims, out.predictionLogits.dims, out.sopLogits.data);
model.dispose();
