/**
 * AlbertTokenizer: HF's (slow, sentencepiece-based) AlbertTokenizer semantics on top of
 * SentencePieceProcessor - ALBERT preprocessing, the digit-comma re-encode rule, special
 * tokens, truncation/padding - plus HF-fast-style offsets into the original text.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AlbertPreprocessor, type AlbertPreprocessOptions } from './albert-preprocess';
import { cleanUpTokenizationSpaces } from './cleanup';
import {
  assemble, pad, truncate, type AlbertEncoding, type PaddingStrategy, type SpecialIds, type TokenList,
  type TruncationStrategy,
} from './encoding';
import { splitDigitComma, needsDigitCommaRule, splitSpan } from './digit-comma';
import { AlbertError } from '../errors';
import { modelFileError, requireString } from './errors';
import { asBool, asLength, declaredAddedTokens, readConfig, tokenName } from './pretrained-config';
import { readModelFile, SentencePieceProcessor } from './sentencepiece';
import { SpecialTokenSplitter } from './special-tokens';
import { modelFromTokenizerJson } from './tokenizer-json';
import { pythonStrip } from './unicode';
import { Utf8Buffer } from './utf8';

export interface AlbertTokenizerOptions {
  /** Lower-case the text (default true). */
  doLowerCase?: boolean;
  /** Keep accents, i.e. skip NFKD + combining-mark removal (default false). */
  keepAccents?: boolean;
  /** Strip and collapse whitespace (default true). */
  removeSpace?: boolean;
  /** Used for truncation/padding when no maxLength is given (default 512). */
  modelMaxLength?: number;
  /**
   * decode's default for `cleanUpTokenizationSpaces` (default false, as transformers >= 4.45
   * when tokenizer_config.json does not set `clean_up_tokenization_spaces`).
   */
  cleanUpTokenizationSpaces?: boolean;
}

export interface AlbertEncodeOptions {
  /** Add [CLS] ... [SEP] (default true). */
  addSpecialTokens?: boolean;
  maxLength?: number;
  /** Default: 'longest_first' when maxLength is given, else false. `true` = 'longest_first'. */
  truncation?: TruncationStrategy | boolean;
  /** Default false for encode(), 'longest' for encodeBatch(). `true` = 'longest'. */
  padding?: PaddingStrategy | boolean;
  /** Include `offsets` (default false). */
  returnOffsets?: boolean;
  /** Include `tokens`, the pieces (default false). */
  returnTokens?: boolean;
}

export type BatchItem = string | readonly [string, string];

export interface Int32Tensor {
  data: Int32Array;
  dims: [number, number];
}

export interface AlbertBatchEncoding {
  inputIds: Int32Tensor;
  attentionMask: Int32Tensor;
  tokenTypeIds: Int32Tensor;
  /** Per item, padded like the tensors. */
  encodings: AlbertEncoding[];
}

export interface AlbertDecodeOptions {
  /** Leave out <pad>, <unk>, [CLS], [SEP] and [MASK] (default false). */
  skipSpecialTokens?: boolean;
  /**
   * Remove the space before `.`, `?`, `!`, `,` and English contractions (`n't`, `'s`, ...), as
   * HF's `clean_up_tokenization_spaces`. Default: the tokenizer's `cleanUpTokenizationSpaces`.
   */
  cleanUpTokenizationSpaces?: boolean;
}

interface SpecialTokenNames {
  unk: string; pad: string; cls: string; sep: string; mask: string;
}

const DEFAULT_NAMES: SpecialTokenNames = { unk: '<unk>', pad: '<pad>', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]' };

/**
 * transformers splits a fine-tune's added tokens (ids past the SentencePiece vocabulary) out of
 * the text before tokenizing; this tokenizer does not, so it refuses such a folder rather than
 * give other ids. Declarations that only restate vocabulary pieces (the specials) are fine.
 */
function refuseAddedTokens(sp: SentencePieceProcessor, added: Array<{ content: string; id: number; file: string }>): void {
  for (const { content, id, file } of added) {
    const inVocabulary = Number.isInteger(id) && id >= 0 && id < sp.vocabSize && sp.idToPiece(id) === content;
    if (!inVocabulary) {
      throw modelFileError(file, `it adds the token ${JSON.stringify(content)} (id ${id}), which is not that piece of the SentencePiece vocabulary; tokenizers with added tokens are not supported`);
    }
  }
}

/** The files a folder's tokenizer may come from, in the order they are preferred. */
export const TOKENIZER_FILES = ['spiece.model', 'tokenizer.json'] as const;

/** Reads a file, or returns null when it does not exist. */
async function readIfPresent(path: string): Promise<Uint8Array | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw modelFileError(path, (e as Error).message, e);
  }
}

/**
 * The SentencePiece model of a folder: spiece.model, else tokenizer.json, with the
 * preprocessing flags tokenizer.json's normalizer implies (none for spiece.model).
 */
async function loadSentencePiece(dir: string): Promise<{ sp: SentencePieceProcessor; implied: Partial<AlbertTokenizerOptions> }> {
  const [spieceFile, jsonFile] = TOKENIZER_FILES;
  const modelPath = join(dir, spieceFile);
  const modelBytes = await readIfPresent(modelPath);
  if (modelBytes) return { sp: SentencePieceProcessor.fromBuffer(modelBytes, modelPath), implied: {} };
  const jsonPath = join(dir, jsonFile);
  const jsonBytes = await readIfPresent(jsonPath);
  if (!jsonBytes) throw new AlbertError('ERR_NOT_FOUND', `no tokenizer in ${dir}: neither ${TOKENIZER_FILES.join(' nor ')} found`);
  return tokenizerFromJson(jsonBytes, jsonPath);
}

/** The SentencePiece model rebuilt from tokenizer.json's bytes, and the flags its normalizer implies. */
function tokenizerFromJson(bytes: Uint8Array, path: string): { sp: SentencePieceProcessor; implied: Partial<AlbertTokenizerOptions> } {
  const { proto, doLowerCase, keepAccents } = modelFromTokenizerJson(Buffer.from(bytes).toString('utf8'), path);
  return { sp: SentencePieceProcessor.fromModelProto(proto, path), implied: { doLowerCase, keepAccents } };
}

export class AlbertTokenizer {
  readonly modelMaxLength: number;
  /** decode's default for its `cleanUpTokenizationSpaces` option. */
  readonly cleanUpTokenizationSpaces: boolean;
  readonly unkToken: string;
  readonly padToken: string;
  readonly clsToken: string;
  readonly sepToken: string;
  readonly maskToken: string;
  readonly unkTokenId: number;
  readonly padTokenId: number;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly maskTokenId: number;

  private readonly preprocessor: AlbertPreprocessor;
  private readonly utf8 = new Utf8Buffer();
  private readonly splitter: SpecialTokenSplitter;
  private readonly specialIdSet: Set<number>;
  /** 1 for ids whose piece triggers the digit-comma rule. */
  private readonly digitComma: Uint8Array;

  constructor(readonly sp: SentencePieceProcessor, options: AlbertTokenizerOptions = {}, names = DEFAULT_NAMES) {
    const pre: AlbertPreprocessOptions = {
      doLowerCase: options.doLowerCase ?? true,
      keepAccents: options.keepAccents ?? false,
      removeSpace: options.removeSpace ?? true,
    };
    this.preprocessor = new AlbertPreprocessor(pre);
    this.modelMaxLength = options.modelMaxLength ?? 512;
    this.cleanUpTokenizationSpaces = options.cleanUpTokenizationSpaces ?? false;
    ({ unk: this.unkToken, pad: this.padToken, cls: this.clsToken, sep: this.sepToken, mask: this.maskToken } = names);
    this.unkTokenId = sp.pieceToId(this.unkToken);
    this.padTokenId = sp.pieceToId(this.padToken);
    this.clsTokenId = sp.pieceToId(this.clsToken);
    this.sepTokenId = sp.pieceToId(this.sepToken);
    this.maskTokenId = sp.pieceToId(this.maskToken);
    const specials = new Map<string, number>();
    for (const t of [this.clsToken, this.sepToken, this.maskToken, this.padToken, this.unkToken]) specials.set(t, sp.pieceToId(t));
    this.specialIdSet = new Set(specials.values());
    this.splitter = new SpecialTokenSplitter(specials, new Set([this.maskToken]));
    this.digitComma = Uint8Array.from({ length: sp.vocabSize }, (_, id) => (needsDigitCommaRule(sp.idToPiece(id)) ? 1 : 0));
  }

  /**
   * `path` is a spiece.model file, or a tokenizer.json (by its .json extension), whose
   * normalizer then supplies doLowerCase and keepAccents when `options` does not.
   */
  static fromFile(path: string, options: AlbertTokenizerOptions = {}): AlbertTokenizer {
    requireString(path, 'path');
    if (!path.endsWith('.json')) return new AlbertTokenizer(SentencePieceProcessor.fromFile(path), options);
    const { sp, implied } = tokenizerFromJson(readModelFile(path), path);
    return new AlbertTokenizer(sp, {
      ...options,
      doLowerCase: options.doLowerCase ?? implied.doLowerCase,
      keepAccents: options.keepAccents ?? implied.keepAccents,
    });
  }

  static fromBuffer(bytes: Uint8Array | ArrayBuffer, options: AlbertTokenizerOptions = {}, source?: string): AlbertTokenizer {
    return new AlbertTokenizer(SentencePieceProcessor.fromBuffer(bytes, source), options);
  }

  /**
   * Loads dir/spiece.model (or, in a folder published without one, dir/tokenizer.json: the
   * same model as Hugging Face's converter wrote it) and, when present,
   * dir/tokenizer_config.json (do_lower_case, keep_accents, remove_space, model_max_length,
   * clean_up_tokenization_spaces, special token names). Explicit options win over the config
   * file, and the config file over what tokenizer.json's normalizer implies.
   */
  static async fromPretrained(dir: string, options: AlbertTokenizerOptions = {}): Promise<AlbertTokenizer> {
    requireString(dir, 'dir');
    const { sp, implied } = await loadSentencePiece(dir);
    const configPath = join(dir, 'tokenizer_config.json');
    const config = existsSync(configPath) ? readConfig(configPath) : {};
    refuseAddedTokens(sp, declaredAddedTokens(dir, config));
    const merged: AlbertTokenizerOptions = {
      doLowerCase: options.doLowerCase ?? asBool(config.do_lower_case) ?? implied.doLowerCase,
      keepAccents: options.keepAccents ?? asBool(config.keep_accents) ?? implied.keepAccents,
      removeSpace: options.removeSpace ?? asBool(config.remove_space),
      modelMaxLength: options.modelMaxLength ?? asLength(config.model_max_length),
      cleanUpTokenizationSpaces: options.cleanUpTokenizationSpaces ?? asBool(config.clean_up_tokenization_spaces),
    };
    const names: SpecialTokenNames = {
      unk: tokenName(config.unk_token) ?? DEFAULT_NAMES.unk,
      pad: tokenName(config.pad_token) ?? DEFAULT_NAMES.pad,
      cls: tokenName(config.cls_token) ?? DEFAULT_NAMES.cls,
      sep: tokenName(config.sep_token) ?? DEFAULT_NAMES.sep,
      mask: tokenName(config.mask_token) ?? DEFAULT_NAMES.mask,
    };
    return new AlbertTokenizer(sp, merged, names);
  }

  get vocabSize(): number {
    return this.sp.vocabSize;
  }

  /** The text SentencePiece receives for `text` (ALBERT steps 1-6). */
  preprocess(text: string): string {
    requireString(text, 'text');
    return this.preprocessor.run(text).toString();
  }

  /** Pieces of `text` (no [CLS]/[SEP] added; special tokens in the text stay atomic). */
  tokenize(text: string): string[] {
    requireString(text, 'text');
    return this.tokenizeText(text, true, false).tokens!;
  }

  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.sp.pieceToId(t));
  }

  convertIdsToTokens(ids: readonly number[]): string[] {
    return ids.map((id) => this.sp.idToPiece(id));
  }

  encode(text: string, textPair?: string | null, options: AlbertEncodeOptions = {}): AlbertEncoding {
    requireString(text, 'text');
    if (textPair !== undefined && textPair !== null) requireString(textPair, 'textPair');
    const enc = this.encodeUnpadded(text, textPair ?? null, options);
    const padding = options.padding === true ? 'longest' : options.padding;
    if (padding === 'max_length') pad(enc, options.maxLength ?? this.modelMaxLength, this.specialIds());
    return enc;
  }

  /** Encodes several texts / pairs into rectangular tensors ready for model.forward(). */
  encodeBatch(items: readonly BatchItem[], options: AlbertEncodeOptions = {}): AlbertBatchEncoding {
    if (!Array.isArray(items)) throw new TypeError('items must be an array of strings or [text, pair] arrays');
    const encodings = items.map((item: BatchItem) => {
      if (typeof item === 'string') return this.encodeUnpadded(item, null, options);
      if (!Array.isArray(item) || item.length !== 2) throw new TypeError('each batch item must be a string or a [text, pair] array');
      requireString(item[0], 'text');
      requireString(item[1], 'textPair');
      return this.encodeUnpadded(item[0], item[1], options);
    });
    let seq = encodings.reduce((m, e) => Math.max(m, e.inputIds.length), 0);
    if (options.padding === 'max_length') seq = Math.max(seq, options.maxLength ?? this.modelMaxLength);
    for (const e of encodings) pad(e, seq, this.specialIds());
    const tensor = (pick: (e: AlbertEncoding) => number[]): Int32Tensor => {
      const data = new Int32Array(encodings.length * seq);
      encodings.forEach((e, i) => data.set(pick(e), i * seq));
      return { data, dims: [encodings.length, seq] };
    };
    return {
      inputIds: tensor((e) => e.inputIds),
      attentionMask: tensor((e) => e.attentionMask),
      tokenTypeIds: tensor((e) => e.tokenTypeIds),
      encodings,
    };
  }

  /**
   * HF AlbertTokenizer.decode: runs of ordinary pieces go through SentencePiece's decoder,
   * special tokens are written as their strings (with a space before a run of them), and
   * the result is stripped, then cleaned up when `cleanUpTokenizationSpaces` asks for it.
   */
  decode(ids: readonly number[] | ArrayLike<number>, options: AlbertDecodeOptions = {}): string {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
      throw new TypeError('ids must be an array of numbers');
    }
    let out = '';
    let run: number[] = [];
    let prevSpecial = false;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const special = this.specialIdSet.has(id);
      if (special && options.skipSpecialTokens) continue;
      if (!special) { run.push(id); prevSpecial = false; continue; }
      if (!prevSpecial) out += ' ';
      out += this.sp.decode(run) + this.sp.idToPiece(id);
      run = [];
      prevSpecial = true;
    }
    const text = pythonStrip(out + this.sp.decode(run));
    const cleanUp = options.cleanUpTokenizationSpaces ?? this.cleanUpTokenizationSpaces;
    return cleanUp ? cleanUpTokenizationSpaces(text) : text;
  }

  private specialIds(): SpecialIds {
    return {
      cls: this.clsTokenId, sep: this.sepTokenId, pad: this.padTokenId,
      clsToken: this.clsToken, sepToken: this.sepToken, padToken: this.padToken,
    };
  }

  private encodeUnpadded(text: string, pair: string | null, options: AlbertEncodeOptions): AlbertEncoding {
    const offsets = options.returnOffsets ?? false;
    const tokens = options.returnTokens ?? false;
    let a = this.tokenizeText(text, tokens, offsets);
    let b = pair === null ? null : this.tokenizeText(pair, tokens, offsets);
    const addSpecial = options.addSpecialTokens ?? true;
    const strategy = resolveTruncation(options);
    let error = false;
    if (strategy !== false) {
      const maxLength = options.maxLength ?? this.modelMaxLength;
      const specials = addSpecial ? (b === null ? 2 : 3) : 0;
      const k = a.ids.length + (b === null ? 0 : b.ids.length) + specials - maxLength;
      ({ a, b, error } = truncate(a, b, k, strategy));
    }
    const enc = assemble(a, b, addSpecial ? this.specialIds() : null);
    if (error) enc.truncationError = true;
    return enc;
  }

  /** ALBERT path for a whole text: special-token split, then each segment. */
  private tokenizeText(text: string, wantTokens: boolean, wantOffsets: boolean): TokenList {
    const list: TokenList = { ids: [], tokens: wantTokens ? [] : null, offsets: wantOffsets ? [] : null };
    for (const seg of this.splitter.split(text)) {
      if (seg.specialId >= 0) {
        list.ids.push(seg.specialId);
        list.tokens?.push(text.slice(seg.start, seg.end));
        list.offsets?.push([seg.start, seg.end]);
      } else {
        this.tokenizeSegment(text, seg.start, seg.end, list);
      }
    }
    return list;
  }

  /** Steps 1-9 for text[from, to), appended to `list`; offsets are mapped back through every step. */
  private tokenizeSegment(text: string, from: number, to: number, list: TokenList): void {
    const pre = this.preprocessor.run(text, from, to);
    if (pre.length === 0) return;
    this.utf8.setCodePoints(pre.cps, pre.length);
    const wantOffsets = list.offsets !== null;
    const core = this.sp.encodeInput(this.utf8, wantOffsets);
    const src = this.utf8.source;
    for (let i = 0; i < core.count; i++) {
      const id = core.ids[i];
      const unknown = core.unknownText?.get(i);
      let span: [number, number] = [0, 0];
      if (wantOffsets) {
        const bs = core.srcStart[i];
        const be = core.srcEnd[i];
        span = be > bs ? [pre.start[src[bs]], pre.end[src[be - 1]]]
          : bs < this.utf8.length ? [pre.start[src[bs]], pre.start[src[bs]]] : [to, to];
      }
      if (this.digitComma[id] === 1 || (unknown !== undefined && needsDigitCommaRule(unknown))) {
        this.applyDigitComma(unknown ?? this.sp.idToPiece(id), span, text, list);
        continue;
      }
      list.ids.push(unknown === undefined ? id : this.sp.pieceToId(unknown));
      list.tokens?.push(unknown ?? this.sp.idToPiece(id));
      list.offsets?.push(span);
    }
  }

  /** Step 8 of the ALBERT path (see digit-comma.ts); ids by PieceToId as in step 9. */
  private applyDigitComma(piece: string, span: [number, number], text: string, list: TokenList): void {
    const pieces = splitDigitComma(this.sp, piece);
    for (const p of pieces) {
      list.ids.push(this.sp.pieceToId(p));
      list.tokens?.push(p);
    }
    if (list.offsets !== null) for (const o of splitSpan(text, span, pieces)) list.offsets.push(o);
  }
}

function resolveTruncation(options: AlbertEncodeOptions): TruncationStrategy | false {
  const t = options.truncation;
  if (t === undefined) return options.maxLength !== undefined ? 'longest_first' : false;
  if (t === true) return 'longest_first';
  if (t === false) return false;
  if (t === 'longest_first' || t === 'only_first' || t === 'only_second') return t;
  throw new TypeError(`unknown truncation strategy ${String(t)}`);
}
