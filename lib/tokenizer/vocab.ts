/**
 * The vocabulary of a SentencePiece model and the checks model_interface.cc applies when
 * it loads one (non-empty unique pieces, exactly one <unk>, byte pieces only with
 * byte_fallback, unigram only).
 */
import { DoubleArrayTrie } from './double-array';
import { ModelType, PieceType, type ModelProto } from './model-proto';
import { LatticeKind } from './unigram';

export class Vocab {
  readonly pieces: string[];
  readonly types: Uint8Array;
  readonly scores: Float32Array;
  readonly unkId: number;
  /** Id of each byte piece <0xXX> when byte_fallback is on, else null. */
  readonly byteIds: Int32Array | null;
  /** Trie over the pieces the lattice may use (normal, user-defined, unused). */
  readonly pieceTrie: DoubleArrayTrie;
  /** Trie of user-defined symbols for the normaliser's prefix matcher, or null if none. */
  readonly userDefinedTrie: DoubleArrayTrie | null;
  private readonly index = new Map<string, number>();

  constructor(model: ModelProto) {
    const n = model.pieces.length;
    if (n === 0) throw new Error('the model has no pieces');
    this.pieces = model.pieces.map((p) => p.piece);
    this.types = Uint8Array.from(model.pieces, (p) => p.type);
    this.scores = Float32Array.from(model.pieces, (p) => p.score);
    this.unkId = this.buildIndex();
    this.byteIds = this.findBytePieces(model.trainerSpec?.byteFallback ?? false);
    const type = model.trainerSpec?.modelType ?? ModelType.Unigram;
    if (type !== ModelType.Unigram) {
      const name = ({ 2: 'BPE', 3: 'WORD', 4: 'CHAR' } as Record<number, string>)[type] ?? `type ${type}`;
      throw new Error(`model type ${name} is not supported (only unigram models, as ALBERT uses)`);
    }
    // Keyed by the file's own bytes, which are not kept: the tries are all that needs them.
    const pieceIds = this.idsWhere(isNormalLike);
    this.pieceTrie = DoubleArrayTrie.build(pieceIds.map((id) => model.pieces[id].bytes), pieceIds);
    const userIds = this.idsWhere((t) => t === PieceType.UserDefined);
    this.userDefinedTrie = userIds.length === 0 ? null : DoubleArrayTrie.build(userIds.map((id) => model.pieces[id].bytes), userIds.map((_, i) => i));
  }

  get size(): number {
    return this.pieces.length;
  }

  /** SentencePiece's PieceToId: reserved pieces first, then normal ones, else <unk>. */
  pieceToId(piece: string): number {
    return this.index.get(piece) ?? this.unkId;
  }

  has(piece: string): boolean {
    return this.index.has(piece);
  }

  isControl(id: number): boolean { return this.types[id] === PieceType.Control; }
  isUnknown(id: number): boolean { return this.types[id] === PieceType.Unknown; }
  isByte(id: number): boolean { return this.types[id] === PieceType.Byte; }
  isUserDefined(id: number): boolean { return this.types[id] === PieceType.UserDefined; }

  private idsWhere(keep: (type: number) => boolean): number[] {
    const ids: number[] = [];
    this.types.forEach((t, id) => { if (keep(t)) ids.push(id); });
    return ids;
  }

  latticeKinds(): Uint8Array {
    return Uint8Array.from(this.types, (t) =>
      t === PieceType.UserDefined ? LatticeKind.UserDefined : t === PieceType.Unused ? LatticeKind.Unused : LatticeKind.Normal);
  }

  /** [min, max] over NORMAL pieces, with C++'s FLT_MAX / FLT_MIN starting values. */
  scoreRange(): [number, number] {
    let min = 3.4028234663852886e38;
    let max = 1.1754943508222875e-38;
    this.types.forEach((t, id) => {
      if (t === PieceType.Normal) { min = Math.min(min, this.scores[id]); max = Math.max(max, this.scores[id]); }
    });
    return [min, max];
  }

  private buildIndex(): number {
    let unk = -1;
    const reserved = new Map<string, number>();
    this.pieces.forEach((piece, id) => {
      if (piece.length === 0) throw new Error(`piece ${id} is empty`);
      const t = this.types[id];
      if (t < PieceType.Normal || t > PieceType.Byte) throw new Error(`piece ${id} has unknown type ${t}`);
      const map = isNormalLike(t) ? this.index : reserved;
      if (map.has(piece)) throw new Error(`piece ${JSON.stringify(piece)} is defined twice`);
      map.set(piece, id);
      if (t === PieceType.Unknown) {
        if (unk >= 0) throw new Error('more than one <unk> piece');
        unk = id;
      }
    });
    if (unk < 0) throw new Error('the model defines no <unk> piece');
    for (const [piece, id] of reserved) this.index.set(piece, id); // reserved pieces win
    return unk;
  }

  private findBytePieces(byteFallback: boolean): Int32Array | null {
    const hasBytes = this.types.some((t) => t === PieceType.Byte);
    if (hasBytes && !byteFallback) throw new Error('byte pieces are present but byte_fallback is off');
    if (!byteFallback) return null;
    const ids = new Int32Array(256);
    for (let b = 0; b < 256; b++) {
      const piece = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
      const id = this.index.get(piece);
      if (id === undefined || !this.isByte(id)) throw new Error(`byte_fallback is on but ${piece} is missing`);
      ids[b] = id;
    }
    return ids;
  }
}

function isNormalLike(t: number): boolean {
  return t === PieceType.Normal || t === PieceType.UserDefined || t === PieceType.Unused;
}
