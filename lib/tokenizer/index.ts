// Public tokenizer API.
export { SentencePieceProcessor, type SentencePieceEncoding } from './sentencepiece';
export {
  AlbertTokenizer,
  type AlbertTokenizerOptions,
  type AlbertEncodeOptions,
  type AlbertDecodeOptions,
  type AlbertBatchEncoding,
  type BatchItem,
  type Int32Tensor,
} from './albert-tokenizer';
export type { AlbertEncoding, TruncationStrategy, PaddingStrategy } from './encoding';
export type { AlbertPreprocessOptions } from './albert-preprocess';
