/**
 * HF's `clean_up_tokenization_spaces`: after decoding, remove the space that word-piece
 * tokenizers leave before English punctuation and contractions ("do n't ." -> "don't.").
 * The rules are applied one after another, each to the whole text, as transformers does.
 */
const RULES: ReadonlyArray<readonly [string, string]> = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

export function cleanUpTokenizationSpaces(text: string): string {
  let out = text;
  for (const [from, to] of RULES) out = out.split(from).join(to);
  return out;
}
