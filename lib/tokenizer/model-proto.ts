/**
 * Decodes a SentencePiece ModelProto (sentencepiece_model.proto) into plain objects.
 * Only the fields that influence encoding/decoding are kept; unknown fields are skipped
 * as protobuf requires.
 */
import { ProtoReader, WireType } from './protobuf';
import { decodeUtf8Checked } from './utf8';

export const enum PieceType {
  Normal = 1,
  Unknown = 2,
  Control = 3,
  UserDefined = 4,
  Unused = 5,
  Byte = 6,
}

export const enum ModelType {
  Unigram = 1,
  Bpe = 2,
  Word = 3,
  Char = 4,
}

export interface PieceProto {
  piece: string;
  /** The piece's UTF-8 bytes as stored (a view into the model file's buffer). */
  bytes: Uint8Array;
  score: number;
  type: PieceType;
}

export interface TrainerSpecProto {
  modelType: ModelType;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  unkSurface: string;
}

export interface NormalizerSpecProto {
  name: string;
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

export interface ModelProto {
  pieces: PieceProto[];
  trainerSpec: TrainerSpecProto | null;
  normalizerSpec: NormalizerSpecProto | null;
}

/** Parses the serialized model; throws ProtoError on malformed wire data. */
export function parseModelProto(bytes: Uint8Array): ModelProto {
  const r = new ProtoReader(bytes);
  const model: ModelProto = { pieces: [], trainerSpec: null, normalizerSpec: null };
  while (!r.done) {
    const [field, type] = r.readTag();
    if (field === 1) {
      r.expect(type, WireType.LengthDelimited, field);
      model.pieces.push(parsePiece(r.sub()));
    } else if (field === 2) {
      r.expect(type, WireType.LengthDelimited, field);
      model.trainerSpec = parseTrainerSpec(r.sub());
    } else if (field === 3) {
      r.expect(type, WireType.LengthDelimited, field);
      model.normalizerSpec = parseNormalizerSpec(r.sub());
    } else {
      r.skip(type);
    }
  }
  return model;
}

function parsePiece(r: ProtoReader): PieceProto {
  const p: PieceProto = { piece: '', bytes: new Uint8Array(0), score: 0, type: PieceType.Normal };
  while (!r.done) {
    const [field, type] = r.readTag();
    if (field === 1) {
      r.expect(type, WireType.LengthDelimited, field);
      p.bytes = r.readBytes();
      p.piece = decodeUtf8Checked(p.bytes);
    }
    else if (field === 2) { r.expect(type, WireType.Fixed32, field); p.score = r.readFloat(); }
    else if (field === 3) { r.expect(type, WireType.Varint, field); p.type = r.readVarint() as PieceType; }
    else r.skip(type);
  }
  return p;
}

function parseTrainerSpec(r: ProtoReader): TrainerSpecProto {
  // Defaults are the proto2 defaults declared in sentencepiece_model.proto.
  const t: TrainerSpecProto = {
    modelType: ModelType.Unigram,
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    unkSurface: ' \u2047 ',
  };
  while (!r.done) {
    const [field, type] = r.readTag();
    if (field === 3) { r.expect(type, WireType.Varint, field); t.modelType = r.readVarint() as ModelType; }
    else if (field === 24) { r.expect(type, WireType.Varint, field); t.treatWhitespaceAsSuffix = r.readBool(); }
    else if (field === 35) { r.expect(type, WireType.Varint, field); t.byteFallback = r.readBool(); }
    else if (field === 44) { r.expect(type, WireType.LengthDelimited, field); t.unkSurface = r.readString(); }
    else r.skip(type);
  }
  return t;
}

function parseNormalizerSpec(r: ProtoReader): NormalizerSpecProto {
  const n: NormalizerSpecProto = {
    name: '',
    precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  while (!r.done) {
    const [field, type] = r.readTag();
    if (field === 1) { r.expect(type, WireType.LengthDelimited, field); n.name = r.readString(); }
    else if (field === 2) { r.expect(type, WireType.LengthDelimited, field); n.precompiledCharsmap = r.readBytes(); }
    else if (field === 3) { r.expect(type, WireType.Varint, field); n.addDummyPrefix = r.readBool(); }
    else if (field === 4) { r.expect(type, WireType.Varint, field); n.removeExtraWhitespaces = r.readBool(); }
    else if (field === 5) { r.expect(type, WireType.Varint, field); n.escapeWhitespaces = r.readBool(); }
    else r.skip(type);
  }
  return n;
}
