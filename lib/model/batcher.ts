// Gathers concurrent forward() calls into batches. While the engine runs one batch, new
// requests queue; when it is free, the oldest request plus the queued requests closest to it in
// length (up to maxBatchSize rows) run as one padded batch, and each caller gets its own rows
// back. The engine skips padded tokens, so merging costs little and larger GEMMs run faster.
import { AlbertError } from '../errors';
import type { NativeForwardResult, NativeModelHandle, NativeTensor } from '../native';

export interface BatchingOptions {
  /** Most rows (sequences) one batch may hold. Default 32. 1 disables batching. */
  maxBatchSize?: number;
  /** How long the oldest request may wait for others to join a not-yet-full batch. Default 0. */
  maxWaitMs?: number;
  /** Most requests waiting at once. Default 4096. */
  maxQueue?: number;
  /** When the queue is full: reject with ERR_QUEUE_FULL ('error', default) or wait for room. */
  whenFull?: 'error' | 'wait';
}

export interface ModelStats {
  /** Requests waiting for a batch. */
  queued: number;
  /** Requests in the batch the engine is running. */
  running: number;
  /** Batches run so far. */
  batches: number;
  /** Requests completed so far (resolved or rejected by the engine). */
  requests: number;
  /** Real (non-padding) tokens processed so far. */
  tokens: number;
}

/** One validated call, in engine form. */
export interface PreparedRequest {
  inputIds: Int32Array;
  attentionMask?: Int32Array;
  tokenTypeIds?: Int32Array;
  batch: number; // rows
  seqLen: number;
  outputHiddenStates: boolean;
  outputAttentions: boolean;
  /** [batch, seq] 0/1: masked-LM logits only there, compact [count, vocab]. */
  logitsAt?: Int32Array;
}

interface Pending {
  request: PreparedRequest;
  tokens: number;
  resolve(result: NativeForwardResult): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
  enqueuedAt: number;
}

const TOKENWISE = new Set(['last_hidden_state', 'prediction_logits', 'start_logits', 'end_logits']);
const MASKED_LM = new Set(['prediction_logits', 'logits']);

// How an output's rows belong to requests: per token ([rows, seq, ...]), per selected
// position (compact masked-LM logits [count, vocab]), or per row ([rows, ...]).
type Layout = 'token' | 'selected' | 'row';

function outputLayout(name: string, t: NativeTensor, selected: boolean): Layout {
  if (selected && MASKED_LM.has(name) && t.dims.length === 2) return 'selected';
  return TOKENWISE.has(name) || (name === 'logits' && t.dims.length === 3) ? 'token' : 'row';
}

function countOnes(data: Int32Array | undefined): number {
  let n = 0;
  if (data) for (const v of data) n += v;
  return n;
}

function countTokens(r: PreparedRequest): number {
  return r.attentionMask ? countOnes(r.attentionMask) : r.batch * r.seqLen;
}

// Requests that can share a batch: no per-layer outputs, and the same kind of MLM output.
function compatible(a: PreparedRequest, b: PreparedRequest): boolean {
  return !b.outputHiddenStates && !b.outputAttentions && (a.logitsAt === undefined) === (b.logitsAt === undefined);
}

function abortError(): AlbertError {
  return new AlbertError('ERR_ABORTED', 'forward() was aborted');
}

export class Batcher {
  readonly #handle: () => NativeModelHandle | null;
  readonly #maxBatchSize: number;
  readonly #maxWaitMs: number;
  readonly #maxQueue: number;
  readonly #whenFull: 'error' | 'wait';
  #queue: Pending[] = [];
  #roomWaiters: (() => void)[] = [];
  #running = 0;
  #timer: NodeJS.Timeout | null = null;
  #stats = { batches: 0, requests: 0, tokens: 0 };

  constructor(handle: () => NativeModelHandle | null, options: Required<BatchingOptions>) {
    this.#handle = handle;
    this.#maxBatchSize = options.maxBatchSize;
    this.#maxWaitMs = options.maxWaitMs;
    this.#maxQueue = options.maxQueue;
    this.#whenFull = options.whenFull;
  }

  stats(): ModelStats {
    return { queued: this.#queue.length, running: this.#running, ...this.#stats };
  }

  async submit(request: PreparedRequest, signal?: AbortSignal): Promise<NativeForwardResult> {
    if (signal?.aborted) throw abortError();
    while (this.#queue.length >= this.#maxQueue) {
      if (this.#whenFull === 'error') {
        throw new AlbertError('ERR_QUEUE_FULL', `request queue is full (${this.#maxQueue} waiting); retry later or raise batching.maxQueue`);
      }
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
      if (signal?.aborted) throw abortError();
    }
    return new Promise<NativeForwardResult>((resolve, reject) => {
      const pending: Pending = { request, tokens: countTokens(request), resolve, reject, signal, enqueuedAt: performance.now() };
      if (signal) {
        pending.onAbort = () => {
          const at = this.#queue.indexOf(pending);
          if (at >= 0) this.#queue.splice(at, 1);
          this.#freeRoom();
          reject(abortError());
        };
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.#queue.push(pending);
      this.#schedule();
    });
  }

  /** Rejects every queued request (the model was disposed). Running batches finish. */
  rejectQueued(error: AlbertError): void {
    const queued = this.#queue;
    this.#queue = [];
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const p of queued) this.#settle(p, () => p.reject(error));
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  #freeRoom(): void {
    this.#roomWaiters.shift()?.();
  }

  #schedule(): void {
    if (this.#running > 0 || this.#queue.length === 0) return;
    const waited = performance.now() - this.#queue[0].enqueuedAt;
    const rows = this.#queue.reduce((n, p) => n + p.request.batch, 0);
    if (this.#maxWaitMs > 0 && rows < this.#maxBatchSize && waited < this.#maxWaitMs) {
      this.#timer ??= setTimeout(() => {
        this.#timer = null;
        this.#schedule();
      }, this.#maxWaitMs - waited);
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#takeBatch();
    this.#running = batch.reduce((n, p) => n + p.request.batch, 0);
    void this.#run(batch).finally(() => {
      this.#running = 0;
      this.#schedule();
    });
  }

  // The oldest request, then compatible queued requests nearest to it in length.
  #takeBatch(): Pending[] {
    const first = this.#queue.shift()!;
    const batch = [first];
    const solo = first.request.outputHiddenStates || first.request.outputAttentions;
    if (!solo) {
      let rows = first.request.batch;
      const candidates = this.#queue
        .filter((p) => compatible(first.request, p.request))
        .sort((a, b) => Math.abs(a.request.seqLen - first.request.seqLen) - Math.abs(b.request.seqLen - first.request.seqLen));
      for (const p of candidates) {
        if (rows + p.request.batch > this.#maxBatchSize) continue;
        rows += p.request.batch;
        batch.push(p);
        this.#queue.splice(this.#queue.indexOf(p), 1);
      }
    }
    for (let i = 0; i < batch.length; ++i) this.#freeRoom();
    return batch;
  }

  async #run(batch: Pending[]): Promise<void> {
    const handle = this.#handle();
    if (!handle) {
      for (const p of batch) this.#settle(p, () => p.reject(new AlbertError('ERR_DISPOSED', 'forward() called after dispose()')));
      return;
    }
    this.#stats.batches += 1;
    try {
      if (batch.length === 1) {
        const result = await handle.forward(batch[0].request);
        this.#settle(batch[0], () => batch[0].resolve(result));
      } else {
        const merged = mergeRequests(batch.map((p) => p.request));
        const result = await handle.forward(merged);
        const parts = splitResult(result, batch.map((p) => p.request), merged.seqLen);
        batch.forEach((p, i) => this.#settle(p, () => p.resolve(parts[i])));
      }
    } catch (error) {
      for (const p of batch) this.#settle(p, () => p.reject(error));
    }
  }

  #settle(p: Pending, settle: () => void): void {
    if (p.signal && p.onAbort) p.signal.removeEventListener('abort', p.onAbort);
    this.#stats.requests += 1;
    this.#stats.tokens += p.tokens;
    if (p.signal?.aborted) p.reject(abortError());
    else settle();
  }
}

/** Validates batching options and fills in the defaults; throws ERR_CONFIG naming the field. */
export function checkBatchingOptions(options: BatchingOptions = {}): Required<BatchingOptions> {
  const whenFull = options.whenFull ?? 'error';
  if (whenFull !== 'error' && whenFull !== 'wait') {
    throw new AlbertError('ERR_CONFIG', `batching.whenFull must be 'error' or 'wait', got ${String(options.whenFull)}`);
  }
  return {
    maxBatchSize: checkInt('maxBatchSize', options.maxBatchSize ?? 32, 1),
    maxWaitMs: checkInt('maxWaitMs', options.maxWaitMs ?? 0, 0),
    maxQueue: checkInt('maxQueue', options.maxQueue ?? 4096, 1),
    whenFull,
  };
}

function checkInt(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new AlbertError('ERR_CONFIG', `batching.${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Stacks requests into one [rows, maxSeq] batch, right-padding each with mask 0. */
export function mergeRequests(requests: PreparedRequest[]): PreparedRequest {
  const seqLen = Math.max(...requests.map((r) => r.seqLen));
  const rows = requests.reduce((n, r) => n + r.batch, 0);
  const inputIds = new Int32Array(rows * seqLen);
  const attentionMask = new Int32Array(rows * seqLen);
  const tokenTypeIds = new Int32Array(rows * seqLen);
  const selected = requests[0].logitsAt !== undefined;
  const logitsAt = selected ? new Int32Array(rows * seqLen) : undefined;
  let row = 0;
  for (const r of requests) {
    for (let b = 0; b < r.batch; ++b, ++row) {
      const src = b * r.seqLen;
      const dst = row * seqLen;
      inputIds.set(r.inputIds.subarray(src, src + r.seqLen), dst);
      if (r.attentionMask) attentionMask.set(r.attentionMask.subarray(src, src + r.seqLen), dst);
      else attentionMask.fill(1, dst, dst + r.seqLen);
      if (r.tokenTypeIds) tokenTypeIds.set(r.tokenTypeIds.subarray(src, src + r.seqLen), dst);
      if (logitsAt && r.logitsAt) logitsAt.set(r.logitsAt.subarray(src, src + r.seqLen), dst);
    }
  }
  return { inputIds, attentionMask, tokenTypeIds, logitsAt, batch: rows, seqLen, outputHiddenStates: false, outputAttentions: false };
}

/** Cuts a merged result back into per-request results with each request's own dims. */
export function splitResult(result: NativeForwardResult, requests: PreparedRequest[], seqLen: number): NativeForwardResult[] {
  const parts: NativeForwardResult[] = requests.map(() => ({ outputs: {} }));
  const selected = requests[0].logitsAt !== undefined;
  for (const [name, tensor] of Object.entries(result.outputs)) {
    const layout = outputLayout(name, tensor, selected);
    const inner = tensor.dims.slice(layout === 'token' ? 2 : 1).reduce((a, b) => a * b, 1);
    let row = 0;
    requests.forEach((r, i) => {
      if (layout === 'token') {
        const data = new Float32Array(r.batch * r.seqLen * inner);
        for (let b = 0; b < r.batch; ++b) {
          const src = (row + b) * seqLen * inner;
          data.set(tensor.data.subarray(src, src + r.seqLen * inner), b * r.seqLen * inner);
        }
        parts[i].outputs[name] = { data, dims: [r.batch, r.seqLen, ...tensor.dims.slice(2)] };
        row += r.batch;
      } else {
        const count = layout === 'selected' ? countOnes(r.logitsAt) : r.batch;
        parts[i].outputs[name] = { data: tensor.data.slice(row * inner, (row + count) * inner), dims: [count, ...tensor.dims.slice(1)] };
        row += count;
      }
    });
  }
  return parts;
}
