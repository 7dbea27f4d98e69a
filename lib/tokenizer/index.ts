/**
 * Tokenizer public API.
 *
 * - SentencePieceProcessor: exact port of Google SentencePiece 0.1.97 for unigram models
 *   (precompiled-charsmap normaliser, float32 Viterbi, unknown-run merging, byte fallback,
 *   user-defined symbols, decoding). BPE / WORD / CHAR models are refused when loading.
 * - AlbertTokenizer: HF AlbertTokenizer (slow) semantics on top of it: ALBERT preprocessing
 *   (lowercase, remove_space, quotes, NFKD + combining-mark removal), the digit-comma rule,
 *   [CLS]/[SEP], truncation and padding as HF's prepare_for_model.
 *
 * Choices where HF leaves room:
 * - Special-token strings in the text ([CLS], [SEP], [MASK], <pad>, <unk>, exact case) are
 *   atomic: the text is cut at them and each piece of text is tokenized on its own; the
 *   whitespace just before [MASK] is dropped (HF's lstrip=True for the mask token).
 * - offsets are [start, end) UTF-16 indices into the original text, traced through every
 *   normalisation step; the U+2581 of a preceding space or the dummy prefix is not part of
 *   the span; a bare "▁" token spans the whitespace it stands for (empty for the dummy
 *   prefix); special and pad tokens get [0, 0].
 * - encodeBatch always pads to the longest item (or to maxLength with
 *   padding: 'max_length') so its Int32Array tensors are rectangular.
 */
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
