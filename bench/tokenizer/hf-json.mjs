// Builds a HF `tokenizer.json` + `tokenizer_config.json` for an ALBERT spiece.model, the way
// transformers' AlbertConverter (convert_slow_tokenizer.py) does, so that transformers.js
// can be benchmarked on the very same vocabulary without downloading anything.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
// Internal module of this package (compiled): the ModelProto reader.
const { parseModelProto } = require('../../dist/tokenizer/model-proto.js');

const PIECE_CONTROL = 3;
const PIECE_UNKNOWN = 2;
const PIECE_USER_DEFINED = 4;

/** AlbertConverter.vocab: pieces like "▁2014," get score - 100 (HF's stand-in for the digit-comma rule). */
function vocab(pieces) {
  return pieces.map((p) => {
    const cps = Array.from(p.piece);
    const digitComma = cps.length >= 2 && cps[cps.length - 1] === ',' && /^\p{Nd}$/u.test(cps[cps.length - 2]);
    return [p.piece, digitComma ? p.score - 100 : p.score];
  });
}

function addedTokens(pieces) {
  const out = [];
  pieces.forEach((p, id) => {
    if (p.type !== PIECE_CONTROL && p.type !== PIECE_UNKNOWN && p.type !== PIECE_USER_DEFINED) return;
    out.push({
      id, content: p.piece, single_word: false, lstrip: p.piece === '[MASK]', rstrip: false,
      normalized: p.type === PIECE_USER_DEFINED, special: p.type !== PIECE_USER_DEFINED,
    });
  });
  return out;
}

export function buildTokenizerJson(modelPath) {
  const proto = parseModelProto(readFileSync(modelPath));
  const pieces = proto.pieces;
  const idOf = (s) => pieces.findIndex((p) => p.piece === s);
  const metaspace = { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens(pieces),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Replace', pattern: { String: '``' }, content: '"' },
        { type: 'Replace', pattern: { String: "''" }, content: '"' },
        { type: 'NFKD' },
        { type: 'StripAccents' },
        { type: 'Lowercase' },
        { type: 'Precompiled', precompiled_charsmap: Buffer.from(proto.normalizerSpec.precompiledCharsmap).toString('base64') },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      ],
    },
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [idOf('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [idOf('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: idOf('<unk>'), vocab: vocab(pieces), byte_fallback: false },
  };
}

/** Writes <root>/<name>/{tokenizer.json, tokenizer_config.json}; returns the folder. */
export function writeHfTokenizer(modelPath, root, name) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(buildTokenizerJson(modelPath)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({
    tokenizer_class: 'AlbertTokenizer', do_lower_case: true, keep_accents: false, remove_space: true,
    model_max_length: 512, unk_token: '<unk>', pad_token: '<pad>', cls_token: '[CLS]', sep_token: '[SEP]',
    mask_token: '[MASK]', bos_token: '[CLS]', eos_token: '[SEP]',
  }));
  return dir;
}
