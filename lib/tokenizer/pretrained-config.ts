/**
 * Reading HF's tokenizer_config.json for AlbertTokenizer.fromPretrained: the preprocessing
 * flags, model_max_length and the special token names (strings or AddedToken dicts).
 */
import { readFileSync } from 'node:fs';
import { modelFileError } from './errors';

export type Config = Record<string, unknown>;

export function readConfig(path: string): Config {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return value !== null && typeof value === 'object' ? (value as Config) : {};
  } catch (e) {
    throw modelFileError(path, `invalid tokenizer_config.json (${(e as Error).message})`, e);
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
