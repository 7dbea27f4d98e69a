/**
 * Reads a Hugging Face `tokenizer.json` back into the SentencePiece model it was converted from.
 * ALBERT's fast-tokenizer files are written by transformers' AlbertConverter from a spiece.model
 * and keep everything encoding needs: the pieces and their scores, which pieces are special, the
 * precompiled normalisation map and the whitespace rules. Folders published with only a
 * tokenizer.json then tokenize exactly like their spiece.model would (the slow tokenizer, which
 * the model was trained with), including the digit-comma rule that the converter could only
 * approximate by lowering those pieces' scores by 100.
 */
import { needsDigitCommaRule } from './digit-comma';
import { modelFileError } from './errors';
import { ModelType, PieceType, type ModelProto, type NormalizerSpecProto, type PieceProto } from './model-proto';

/** What the file says about ALBERT's own preprocessing, when tokenizer_config.json does not. */
export interface TokenizerJsonModel {
  proto: ModelProto;
  doLowerCase: boolean;
  keepAccents: boolean;
}

const SPACE_SYMBOL = '\u2581';
const BYTE_PIECE = /^<0x[0-9A-F]{2}>$/;
/** The converter's penalty for digit-comma pieces; natural unigram scores stay far above it. */
const DIGIT_COMMA_PENALTY = 100;
const PENALISED_BELOW = -50;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A component and, for a Sequence, its parts, flattened. */
function flatten(component: unknown, listKey: string): Json[] {
  if (component === null || component === undefined) return [];
  if (!isObject(component)) return [];
  return component.type === 'Sequence' && Array.isArray(component[listKey]) ? (component[listKey] as unknown[]).flatMap((c) => flatten(c, listKey)) : [component];
}

function base64Bytes(value: unknown, fail: (why: string) => never): Uint8Array {
  if (value === null || value === undefined) return new Uint8Array(0);
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) fail('precompiled_charsmap is not base64');
  return new Uint8Array(Buffer.from(value, 'base64'));
}

function readNormalizer(json: Json, fail: (why: string) => never) {
  let charsmap: Uint8Array = new Uint8Array(0);
  let lowercase = false;
  let stripAccents = false;
  let collapseSpaces = false;
  for (const n of flatten(json.normalizer, 'normalizers')) {
    const pattern = isObject(n.pattern) ? (n.pattern.String ?? n.pattern.Regex) : undefined;
    switch (n.type) {
      case 'Precompiled': charsmap = base64Bytes(n.precompiled_charsmap, fail); break;
      case 'Lowercase': lowercase = true; break;
      case 'StripAccents': stripAccents = true; break;
      case 'NFKD': break; // part of ALBERT's accent stripping, which the preprocessor does
      case 'Replace':
        // `` and '' become " in ALBERT's preprocessing too; runs of spaces are SentencePiece's.
        if (pattern === ' {2,}') collapseSpaces = true;
        else if (pattern !== '``' && pattern !== "''") fail(`a Replace normalizer of ${JSON.stringify(pattern)}, which ALBERT's tokenizer does not have`);
        break;
      default: fail(`a ${String(n.type)} normalizer, which ALBERT's tokenizer does not have`);
    }
  }
  return { charsmap, lowercase, stripAccents, collapseSpaces };
}

/** Metaspace's settings (alone or in a Sequence after WhitespaceSplit). */
function readMetaspace(json: Json, fail: (why: string) => never): { addDummyPrefix: boolean } {
  const parts = flatten(json.pre_tokenizer, 'pretokenizers');
  const metaspace = parts.find((p) => p.type === 'Metaspace');
  if (!metaspace) fail('no Metaspace pre-tokenizer: not a SentencePiece tokenizer');
  const other = parts.find((p) => p.type !== 'Metaspace' && p.type !== 'WhitespaceSplit');
  if (other) fail(`a ${String(other.type)} pre-tokenizer, which ALBERT's tokenizer does not have`);
  if (metaspace.replacement !== SPACE_SYMBOL) fail(`Metaspace replacement ${JSON.stringify(metaspace.replacement)}, expected "${SPACE_SYMBOL}"`);
  const addDummyPrefix = typeof metaspace.add_prefix_space === 'boolean' ? metaspace.add_prefix_space : metaspace.prepend_scheme !== 'never';
  return { addDummyPrefix };
}

function readPieces(model: Json, addedTokens: unknown, fail: (why: string) => never): PieceProto[] {
  const vocab = model.vocab;
  if (!Array.isArray(vocab) || vocab.length === 0) fail('model.vocab is not a non-empty list');
  const encoder = new TextEncoder();
  const pieces = vocab.map((entry, id): PieceProto => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') fail(`model.vocab[${id}] is not a [piece, score] pair`);
    const [piece, stored] = entry as [string, number];
    const score = needsDigitCommaRule(piece) && stored < PENALISED_BELOW ? stored + DIGIT_COMMA_PENALTY : stored;
    const type = model.byte_fallback === true && BYTE_PIECE.test(piece) ? PieceType.Byte : PieceType.Normal;
    return { piece, bytes: encoder.encode(piece), score, type };
  });
  const unkId = model.unk_id;
  if (typeof unkId !== 'number' || !Number.isInteger(unkId) || unkId < 0 || unkId >= pieces.length) fail(`model.unk_id ${String(unkId)} is not a piece id`);
  for (const token of Array.isArray(addedTokens) ? addedTokens : []) {
    if (!isObject(token) || typeof token.id !== 'number' || typeof token.content !== 'string') fail('an added_tokens entry without id and content');
    const piece = pieces[token.id];
    if (!piece || piece.piece !== token.content) fail(`added token ${JSON.stringify(token.content)} (id ${token.id}) is not that piece of the vocabulary`);
    piece.type = token.special === false ? PieceType.UserDefined : PieceType.Control;
  }
  pieces[unkId].type = PieceType.Unknown;
  return pieces;
}

/** Parses tokenizer.json's text; `source` names it in errors (AlbertError ERR_CONFIG). */
export function modelFromTokenizerJson(text: string, source: string): TokenizerJsonModel {
  const fail = (why: string): never => {
    throw modelFileError(source, why);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(json) || !isObject(json.model)) return fail('no "model" object: not a tokenizers file');
  const model = json.model;
  if (model.type !== 'Unigram') fail(`a ${String(model.type)} model; ALBERT's tokenizer is Unigram`);
  const pieces = readPieces(model, json.added_tokens, fail);
  const { charsmap, lowercase, stripAccents, collapseSpaces } = readNormalizer(json, fail);
  const { addDummyPrefix } = readMetaspace(json, fail);
  const normalizerSpec: NormalizerSpecProto = {
    name: charsmap.length > 0 ? 'nmt_nfkc' : 'identity',
    precompiledCharsmap: charsmap,
    addDummyPrefix,
    removeExtraWhitespaces: collapseSpaces,
    escapeWhitespaces: true,
  };
  const trainerSpec = { modelType: ModelType.Unigram, byteFallback: model.byte_fallback === true, treatWhitespaceAsSuffix: false, unkSurface: ' \u2047 ' };
  return { proto: { pieces, trainerSpec, normalizerSpec }, doLowerCase: lowercase, keepAccents: !stripAccents };
}
