export { AlbertModel } from './albert-model';
export type { AlbertOutput, ForwardInputs, ForwardOptions, FromPretrainedOptions, Isa, Precision } from './albert-model';
export type { AlbertConfig, HiddenAct, PositionEmbeddingType } from './config';
export { groupOfLayer } from './config';
export type { AlbertHead } from './heads';
export { HEADS } from './heads';
export type { IntTensorInput, Tensor } from './tensor';
export { parseSafetensors } from './safetensors';
export type { SafetensorsFile, SafetensorsTensor } from './safetensors';
