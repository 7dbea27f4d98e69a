/**
 * SentencePieceProcessor: loads a .model file and encodes/decodes exactly like Google's
 * C++ SentencePiece 0.1.97 (normaliser + unigram Viterbi + unknown-run merging / byte
 * fallback + decoding rules).
 */
import { readFileSync } from 'node:fs';
import { fileNotFoundError, modelFileError, requireString } from './errors';
import { parseModelProto, type ModelProto, type NormalizerSpecProto, type TrainerSpecProto } from './model-proto';
import { NormBuffer, Normalizer } from './normalizer';
import { TokenBuffer, UnigramModel } from './unigram';
import { decodeUtf8, decodeUtf8Lenient, Utf8Buffer } from './utf8';
import { Vocab } from './vocab';

export interface SentencePieceEncoding {
  ids: number[];
  pieces: string[];
}

/**
 * Tokens of one encode, before pieces are turned into strings. Spans are byte offsets into
 * the encoded input: [srcStart, srcEnd) covers the input behind the token, without the
 * U+2581 that a preceding space or the dummy prefix put in front of it.
 */
export interface CoreTokens {
  count: number;
  ids: Int32Array;
  srcStart: Int32Array;
  srcEnd: Int32Array;
  /** Surface (normalised text) of tokens whose id is <unk>, by token index. */
  unknownText: Map<number, string> | null;
}

const SPACE_SYMBOL = '\u2581';

/** A tokenizer model file's bytes (ERR_NOT_FOUND when missing, ERR_CONFIG when unreadable). */
export function readModelFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw fileNotFoundError(path, e);
    throw modelFileError(path, (e as Error).message, e);
  }
}

export class SentencePieceProcessor {
  /** Scratch buffers reused across calls; nothing in them outlives one encode. */
  private readonly input = new Utf8Buffer();
  private readonly norm = new NormBuffer();
  private readonly lattice = new TokenBuffer();
  private readonly unigram: UnigramModel;
  private readonly normalizer: Normalizer;

  // Only the specs are kept of the parsed file: its 30,000 piece records are not needed again.
  private readonly normalizerSpec: NormalizerSpecProto;
  private readonly trainerSpec: TrainerSpecProto;

  private constructor(/** @internal */ readonly vocab: Vocab, proto: ModelProto) {
    this.normalizerSpec = proto.normalizerSpec!;
    this.trainerSpec = proto.trainerSpec!;
    const [min, max] = vocab.scoreRange();
    this.unigram = new UnigramModel(vocab.pieceTrie, vocab.scores, vocab.latticeKinds(), vocab.unkId, max, min);
    this.normalizer = new Normalizer(this.normalizerSpec, vocab.userDefinedTrie);
  }

  /** Loads a serialized ModelProto (synchronously). */
  static fromFile(path: string): SentencePieceProcessor {
    requireString(path, 'path');
    return SentencePieceProcessor.fromBuffer(readModelFile(path), path);
  }

  /** `source` only names the data in error messages. */
  static fromBuffer(bytes: Uint8Array | ArrayBuffer, source = '<buffer>'): SentencePieceProcessor {
    const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
    if (!(data instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array, Buffer or ArrayBuffer');
    let proto: ModelProto;
    try {
      proto = parseModelProto(data);
    } catch (e) {
      throw modelFileError(source, `corrupt or truncated protobuf (${(e as Error).message})`, e);
    }
    return SentencePieceProcessor.fromModelProto(proto, source);
  }

  /** A model already decoded (from a .model file, or rebuilt from a tokenizer.json). */
  static fromModelProto(proto: ModelProto, source: string): SentencePieceProcessor {
    // Both specs follow the pieces in every real model file; a file cut after the
    // pieces would otherwise load with default normalisation and silently mis-tokenise.
    if (proto.trainerSpec === null || proto.normalizerSpec === null) {
      throw modelFileError(source, 'truncated file (trainer_spec or normalizer_spec is missing)');
    }
    if (proto.trainerSpec.treatWhitespaceAsSuffix) {
      throw modelFileError(source, 'treat_whitespace_as_suffix models are not supported');
    }
    try {
      return new SentencePieceProcessor(new Vocab(proto), proto);
    } catch (e) {
      throw modelFileError(source, (e as Error).message, e);
    }
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  get unkId(): number {
    return this.vocab.unkId;
  }

  pieceToId(piece: string): number {
    requireString(piece, 'piece');
    return this.vocab.pieceToId(piece);
  }

  idToPiece(id: number): string {
    this.checkId(id);
    return this.vocab.pieces[id];
  }

  /** Score of a piece (its log probability for unigram models). */
  getScore(id: number): number {
    this.checkId(id);
    return this.vocab.scores[id];
  }

  encode(text: string): SentencePieceEncoding {
    requireString(text, 'text');
    this.input.setString(text);
    const t = this.encodeInput(this.input, false);
    const ids = Array.from(t.ids.subarray(0, t.count));
    return { ids, pieces: ids.map((id, i) => t.unknownText?.get(i) ?? this.vocab.pieces[id]) };
  }

  /** Faster than encode() when only ids are needed. */
  encodeIds(text: string): number[] {
    requireString(text, 'text');
    this.input.setString(text);
    const t = this.encodeInput(this.input, false);
    return Array.from(t.ids.subarray(0, t.count));
  }

  /** Pieces only. */
  encodePieces(text: string): string[] {
    return this.encode(text).pieces;
  }

  /** Normalised text as SentencePiece sees it (with U+2581 for spaces). */
  normalize(text: string): string {
    requireString(text, 'text');
    this.input.setString(text);
    this.normalizer.normalize(this.input.bytes, this.input.length, this.norm);
    return decodeUtf8(this.norm.bytes, 0, this.norm.length);
  }

  /**
   * @internal Encodes already UTF-8-encoded input. The result is freshly allocated, so it
   * stays valid across further calls. Spans are computed only when `spans` is true.
   */
  encodeInput(input: Utf8Buffer, spans: boolean): CoreTokens {
    this.normalizer.normalize(input.bytes, input.length, this.norm);
    this.unigram.encode(this.norm.bytes, this.norm.length, this.lattice);
    return this.collect(spans);
  }

  /** Turns lattice tokens into ids, merging unknown runs or expanding them to bytes. */
  private collect(spans: boolean): CoreTokens {
    const lat = this.lattice;
    const norm = this.norm;
    const unk = this.vocab.unkId;
    const byteIds = this.vocab.byteIds;
    let cap = lat.length;
    if (byteIds !== null) for (let i = 0; i < lat.length; i++) if (lat.id[i] === unk) cap += lat.end[i] - lat.start[i];
    const out: CoreTokens = {
      count: 0,
      ids: new Int32Array(cap),
      srcStart: spans ? new Int32Array(cap) : EMPTY,
      srcEnd: spans ? new Int32Array(cap) : EMPTY,
      unknownText: null,
    };
    let runStart = -1; // normalised start of the open unknown run, -1 if none
    for (let i = 0; i < lat.length; i++) {
      const id = lat.id[i];
      const a = lat.start[i];
      const b = lat.end[i];
      if (id !== unk) {
        this.push(out, id, a, b, spans);
        runStart = -1;
      } else if (byteIds !== null) {
        for (let k = a; k < b; k++) this.push(out, byteIds[norm.bytes[k]], a, b, spans);
      } else {
        // C++ merges a continuous run of unknown pieces into one piece.
        if (runStart < 0) { this.push(out, id, a, b, spans); runStart = a; }
        else this.extend(out, b, spans);
        if (i + 1 === lat.length || lat.id[i + 1] !== unk) {
          (out.unknownText ??= new Map()).set(out.count - 1, decodeUtf8(norm.bytes, runStart, b));
        }
      }
    }
    return out;
  }

  private push(out: CoreTokens, id: number, a: number, b: number, spans: boolean): void {
    const n = out.count++;
    out.ids[n] = id;
    if (!spans) return;
    const norm = this.norm;
    let s = a;
    // Leave the U+2581 of a preceding space / dummy prefix out of the span (as HF does).
    while (s + 3 < b && norm.bytes[s] === 0xe2 && norm.bytes[s + 1] === 0x96 && norm.bytes[s + 2] === 0x81) s += 3;
    out.srcStart[n] = norm.srcStart[s];
    out.srcEnd[n] = norm.srcEnd[b - 1];
  }

  private extend(out: CoreTokens, b: number, spans: boolean): void {
    if (spans) out.srcEnd[out.count - 1] = this.norm.srcEnd[b - 1];
  }

  /**
   * SentencePiece's Decode(ids): control pieces vanish, <unk> becomes the unk surface
   * (" ⁇ "), byte pieces are re-assembled (malformed bytes become U+FFFD), U+2581 becomes a
   * space, and while nothing has been output yet a leading U+2581 is dropped.
   */
  decode(ids: readonly number[] | ArrayLike<number>): string {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
      throw new TypeError('ids must be an array of numbers');
    }
    const v = this.vocab;
    const spec = this.normalizerSpec;
    const stripLeading = spec.addDummyPrefix || spec.removeExtraWhitespaces;
    let text = '';
    let pendingBytes: number[] = [];
    let bosWsSeen = false;
    let isBosWs = true;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      this.checkId(id);
      if (v.isByte(id)) {
        pendingBytes.push(parseInt(v.pieces[id].slice(3, 5), 16));
        continue;
      }
      if (pendingBytes.length > 0) { text += decodeUtf8Lenient(Uint8Array.from(pendingBytes)); pendingBytes = []; }
      if (bosWsSeen || text.length > 0) isBosWs = false;
      let piece = v.pieces[id];
      bosWsSeen = false;
      if (v.isControl(id)) continue;
      if (v.isUnknown(id)) { text += this.trainerSpec.unkSurface; continue; }
      if (isBosWs && stripLeading && piece.startsWith(SPACE_SYMBOL)) {
        piece = piece.slice(1);
        // With remove_extra_whitespaces every leading space is dropped, so keep looking.
        bosWsSeen = !spec.removeExtraWhitespaces;
      }
      text += piece.split(SPACE_SYMBOL).join(' ');
    }
    if (pendingBytes.length > 0) text += decodeUtf8Lenient(Uint8Array.from(pendingBytes));
    return text;
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocab.size) {
      throw new RangeError(`id ${String(id)} is out of range [0, ${this.vocab.size})`);
    }
  }
}

const EMPTY = new Int32Array(0);
