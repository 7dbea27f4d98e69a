/**
 * Reading HF's tokenizer_config.json for AlbertTokenizer.fromPretrained: the preprocessing
 * flags, model_max_length, the special token names (strings or AddedToken dicts) and, with
 * added_tokens.json, the tokens a folder declares as added.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelFileError } from './errors';

export type Config = Record<string, unknown>;

export function readConfig(path: string): Config {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return value !== null && typeof value === 'object' ? (value as Config) : {};
  } catch (e) {
    throw modelFileError(path, `not valid JSON (${(e as Error).message})`, e);
  }
}

export const asBool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
/** HF writes a huge sentinel (1e30) when there is no limit. */
export const asLength = (v: unknown): number | undefined => (typeof v === 'number' && v > 0 && v < 1e9 ? v : undefined);

/** Special tokens are written either as strings or as AddedToken dicts. */
export function tokenName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  return undefined;
}

/** The pieces a model folder declares as added tokens: added_tokens.json and tokenizer_config.json's added_tokens_decoder. */
export function declaredAddedTokens(dir: string, config: Config): Array<{ content: string; id: number; file: string }> {
  const out: Array<{ content: string; id: number; file: string }> = [];
  const addedPath = join(dir, 'added_tokens.json');
  if (existsSync(addedPath)) {
    const added = readConfig(addedPath);
    for (const [content, id] of Object.entries(added)) out.push({ content, id: Number(id), file: addedPath });
  }
  const decoder = config.added_tokens_decoder;
  if (decoder !== null && typeof decoder === 'object') {
    for (const [id, token] of Object.entries(decoder as Record<string, unknown>)) {
      const content = tokenName(token);
      if (content !== undefined) out.push({ content, id: Number(id), file: join(dir, 'tokenizer_config.json') });
    }
  }
  return out;
}
