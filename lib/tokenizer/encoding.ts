/**
 * Turning token id lists into model inputs the way HF's prepare_for_model does:
 * truncation of the two lists before special tokens are added (truncate_sequences),
 * [CLS] A [SEP] (B [SEP]), token types, special-token mask, right padding.
 */

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';
export type PaddingStrategy = 'max_length' | 'longest';

/** Tokens of one text: ids plus (optionally) their pieces and offsets. */
export interface TokenList {
  ids: number[];
  tokens: string[] | null;
  offsets: Array<[number, number]> | null;
}

export interface AlbertEncoding {
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
  specialTokensMask: number[];
  /** [start, end) UTF-16 offsets into the original text (or pair text, for its tokens); [0, 0] for special/pad tokens. */
  offsets?: Array<[number, number]>;
  /** The pieces, with special tokens as their strings. */
  tokens?: string[];
  /** True where HF would log "cannot truncate" and leave the input as it is. */
  truncationError?: boolean;
}

export interface SpecialIds {
  cls: number;
  sep: number;
  pad: number;
  clsToken: string;
  sepToken: string;
  padToken: string;
}

function take(list: TokenList, n: number): TokenList {
  if (n >= list.ids.length) return list;
  return {
    ids: list.ids.slice(0, n),
    tokens: list.tokens && list.tokens.slice(0, n),
    offsets: list.offsets && list.offsets.slice(0, n),
  };
}

/**
 * Removes `k` tokens from the end(s) (README rules): only_first / longest_first with one
 * text drop from A if it is long enough, else nothing (error); only_second likewise on B
 * (silently nothing without a pair); longest_first with a pair drops one token at a time
 * from the longer list, from B on ties.
 */
export function truncate(
  a: TokenList, b: TokenList | null, k: number, strategy: TruncationStrategy,
): { a: TokenList; b: TokenList | null; error: boolean } {
  if (k <= 0) return { a, b, error: false };
  if (strategy === 'only_first' || (strategy === 'longest_first' && b === null)) {
    return a.ids.length > k ? { a: take(a, a.ids.length - k), b, error: false } : { a, b, error: true };
  }
  if (strategy === 'only_second') {
    if (b === null) return { a, b, error: false };
    return b.ids.length > k ? { a, b: take(b, b.ids.length - k), error: false } : { a, b, error: true };
  }
  let la = a.ids.length;
  let lb = b!.ids.length;
  for (let i = 0; i < k; i++) {
    if (la > lb) la--;
    else if (lb > 0) lb--;
  }
  return { a: take(a, la), b: take(b!, lb), error: false };
}

/** [CLS] A [SEP] (B [SEP]) with types, masks and offsets. */
export function assemble(a: TokenList, b: TokenList | null, special: SpecialIds | null): AlbertEncoding {
  const enc: AlbertEncoding = { inputIds: [], tokenTypeIds: [], attentionMask: [], specialTokensMask: [] };
  const withOffsets = a.offsets !== null;
  const withTokens = a.tokens !== null;
  if (withOffsets) enc.offsets = [];
  if (withTokens) enc.tokens = [];
  const addSpecial = (id: number, token: string, type: number): void => {
    enc.inputIds.push(id);
    enc.tokenTypeIds.push(type);
    enc.attentionMask.push(1);
    enc.specialTokensMask.push(1);
    enc.offsets?.push([0, 0]);
    enc.tokens?.push(token);
  };
  const addList = (list: TokenList, type: number): void => {
    for (let i = 0; i < list.ids.length; i++) {
      enc.inputIds.push(list.ids[i]);
      enc.tokenTypeIds.push(type);
      enc.attentionMask.push(1);
      enc.specialTokensMask.push(0);
      if (withOffsets) enc.offsets!.push(list.offsets![i]);
      if (withTokens) enc.tokens!.push(list.tokens![i]);
    }
  };
  if (special) addSpecial(special.cls, special.clsToken, 0);
  addList(a, 0);
  if (special) addSpecial(special.sep, special.sepToken, 0);
  if (b !== null) {
    addList(b, 1);
    if (special) addSpecial(special.sep, special.sepToken, 1);
  }
  return enc;
}

/** Right-pads in place to `length` (longer encodings are left as they are). */
export function pad(enc: AlbertEncoding, length: number, special: Pick<SpecialIds, 'pad' | 'padToken'>): void {
  while (enc.inputIds.length < length) {
    enc.inputIds.push(special.pad);
    enc.tokenTypeIds.push(0);
    enc.attentionMask.push(0);
    enc.specialTokensMask.push(1);
    enc.offsets?.push([0, 0]);
    enc.tokens?.push(special.padToken);
  }
}
