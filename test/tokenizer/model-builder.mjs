// Test helper: writes small SentencePiece ModelProto files (protobuf wire format) so that
// tests can exercise model kinds the fixtures do not cover (byte fallback, user-defined
// symbols, other model types) and can edit the fixture models' bytes.

function varint(n) {
  const out = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const enc = new TextEncoder();
const tag = (field, wire) => varint(field * 8 + wire);
const lenField = (field, bytes) => [...tag(field, 2), ...varint(bytes.length), ...bytes];
const intField = (field, n) => [...tag(field, 0), ...varint(n)];
const floatField = (field, x) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return [...tag(field, 5), ...b];
};

export const PieceType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 };
export const ModelType = { UNIGRAM: 1, BPE: 2, WORD: 3, CHAR: 4 };

/**
 * pieces: [{ piece, score, type }]; trainer: { modelType, byteFallback };
 * normalizer: { addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces } (no charsmap = identity).
 */
export function buildModel({ pieces, trainer = {}, normalizer = {} }) {
  const out = [];
  for (const p of pieces) {
    const body = [...lenField(1, enc.encode(p.piece)), ...floatField(2, p.score ?? 0), ...intField(3, p.type ?? PieceType.NORMAL)];
    out.push(...lenField(1, body));
  }
  const t = [...intField(3, trainer.modelType ?? ModelType.UNIGRAM)];
  if (trainer.byteFallback) t.push(...intField(35, 1));
  out.push(...lenField(2, t));
  const n = [...lenField(1, enc.encode('identity'))];
  if (normalizer.addDummyPrefix === false) n.push(...intField(3, 0));
  if (normalizer.removeExtraWhitespaces === false) n.push(...intField(4, 0));
  if (normalizer.escapeWhitespaces === false) n.push(...intField(5, 0));
  out.push(...lenField(3, n));
  return Uint8Array.from(out);
}

/** Byte offset of the value of TrainerSpec.model_type inside a serialized ModelProto. */
export function findModelTypeOffset(bytes) {
  let pos = 0;
  const readVarint = () => {
    let result = 0, scale = 1, b;
    do { b = bytes[pos++]; result += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80);
    return result;
  };
  const skip = (wire) => {
    if (wire === 0) readVarint();
    else if (wire === 1) pos += 8;
    else if (wire === 2) { const n = readVarint(); pos += n; }
    else if (wire === 5) pos += 4;
    else throw new Error(`wire type ${wire}`);
  };
  while (pos < bytes.length) {
    const key = readVarint();
    if (key >>> 3 === 2 && (key & 7) === 2) {
      const end = readVarint() + pos;
      while (pos < end) {
        const k = readVarint();
        if (k >>> 3 === 3 && (k & 7) === 0) return pos;
        skip(k & 7);
      }
      return -1;
    }
    skip(key & 7);
  }
  return -1;
}
