import { AlbertError } from '../errors';

/**
 * The model file (or buffer) could not be used: missing, corrupt, truncated or of an
 * unsupported kind. The message always names the source so a user with several model
 * folders can tell which file is broken.
 */
export function modelFileError(source: string, reason: string, cause?: unknown): AlbertError {
  return new AlbertError('ERR_CONFIG', `Cannot load SentencePiece model ${source}: ${reason}`, { cause });
}

export function fileNotFoundError(path: string, cause?: unknown): AlbertError {
  return new AlbertError('ERR_NOT_FOUND', `SentencePiece model file not found: ${path}`, { cause });
}

/** Thrown for non-string text arguments, matching what JS built-ins do for wrong types. */
export function requireString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`${what} must be a string, got ${value === null ? 'null' : typeof value}`);
  }
}
