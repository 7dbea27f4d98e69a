/**
 * Every failure albert-native reports on purpose is an `AlbertError` with a stable `code`,
 * so callers can branch on the kind of problem without parsing messages.
 */
export const ALBERT_ERROR_CODES = [
  'ERR_NOT_FOUND', // a model folder or file does not exist
  'ERR_CONFIG', // config.json is malformed or names something unsupported; a bad option
  'ERR_SAFETENSORS', // the weights file is corrupt or inconsistent
  'ERR_PYTORCH', // pytorch_model.bin is corrupt, or its pickle asks for more than a state dict
  'ERR_WEIGHTS', // a tensor the model needs is missing or has the wrong shape / dtype
  'ERR_INPUT', // forward() inputs are invalid (ids, dims, masks)
  'ERR_ISA', // the requested instruction set or precision is unavailable on this CPU
  'ERR_DISPOSED', // the model was used after dispose()
  'ERR_ABORTED', // the caller's AbortSignal fired before the result was ready
  'ERR_QUEUE_FULL', // the model's request queue is full (batching.whenFull: 'error')
  'ERR_NATIVE', // the native addon is missing or the engine failed
  'ERR_OUT_OF_MEMORY',
] as const;

export type AlbertErrorCode = (typeof ALBERT_ERROR_CODES)[number];

export class AlbertError extends Error {
  readonly code: AlbertErrorCode;

  constructor(code: AlbertErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlbertError';
    this.code = code;
  }
}

const KNOWN_CODES = new Set<string>(ALBERT_ERROR_CODES);

/**
 * Wraps an error thrown by the native addon (which carries a `code`) as an AlbertError whose
 * message starts with `context` (once: the engine already names environment variables).
 */
export function fromNativeError(error: unknown, context: string): AlbertError {
  if (error instanceof AlbertError) return error;
  const e = error as { code?: string; message?: string };
  const code = (e?.code && KNOWN_CODES.has(e.code) ? e.code : 'ERR_NATIVE') as AlbertErrorCode;
  const message = e?.message ?? String(error);
  return new AlbertError(code, message.startsWith(`${context}: `) ? message : `${context}: ${message}`, { cause: error });
}
