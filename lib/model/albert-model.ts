// AlbertModel: load a Hugging Face ALBERT folder and run any head from Node.
import { realpath, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { defaultBf16Path, defaultIsa, int8Isas, ISAS, type Bf16Path, type Isa } from '../cpu';
import { AlbertError, fromNativeError } from '../errors';
import { native, type NativeModelHandle, type NativeTensor } from '../native';
import { nativeConfig, parseConfig, type AlbertConfig } from './config';
import { checkHead, headFromArchitectures, type AlbertHead } from './heads';
import { checkRange, toIntTensor, type IntTensorInput, type Tensor } from './tensor';
import { Batcher, checkBatchingOptions, type BatchingOptions, type ModelStats } from './batcher';
import { selectTensors } from './weights';
import { locateWeights, readRequired, readWeights } from './weights-file';

export type { Isa };
export const PRECISIONS = ['fp32', 'bf16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];
/** How bf16 rounds the weights of a layer group that runs more than once (see FromPretrainedOptions). */
export const BF16_ROUNDINGS = ['alternating', 'nearest'] as const;
export type Bf16Rounding = (typeof BF16_ROUNDINGS)[number];

export interface FromPretrainedOptions {
  /** Threads for GEMM and attention (default: the machine's available parallelism). */
  threads?: number;
  /** Run this head instead of the one config.architectures names. */
  head?: AlbertHead;
  /** Force an instruction-set path (default: ALBERT_ISA, else the best the CPU has). */
  isa?: Isa;
  /**
   * 'bf16' runs the shared layers' weight GEMMs in bfloat16 with fp32 accumulation, on AMX or
   * AVX512-BF16 (ALBERT_BF16=amx|avx512bf16 forces one). 'int8' runs them with 8-bit weights
   * (one scale per output column) and 8-bit activations (one scale per row, taken on every
   * call), summed exactly in int32, on AVX512-VNNI (isa 'avx512'), AVX-VNNI (isa 'avx2'), the
   * ARMv8.2 dot product (isa 'neon') or the scalar kernel (isa 'scalar'), which all give the same
   * products bit for bit. Attention, the
   * embedding mapping, the pooler and the heads stay fp32.
   */
  precision?: Precision;
  /**
   * precision 'bf16' only: how the weights of a layer group that runs more than once are rounded.
   * 'alternating' (default) keeps two roundings whose mean is closer to the fp32 weights and
   * alternates between them from run to run (albert-base-random's MLM top-1 agrees with fp32 at
   * 99.1-99.5% of positions, 97.9-98.3% with one rounding), at fp32's memory for those weights;
   * 'nearest' keeps one rounding, at half that memory. Same speed either way.
   */
  bf16Rounding?: Bf16Rounding;
  /** How concurrent forward() calls are gathered into batches (on by default). */
  batching?: BatchingOptions;
  /**
   * Reuse the converted, packed weights of a model already loaded in this process, on any
   * thread or worker, from the same unchanged weights file with the same config, head,
   * isa, precision and bf16 options (default true). The file is then not read again, and only
   * the thread pool and the activation buffers are this model's own; the weights are freed with
   * the last model using them.
   */
  shareWeights?: boolean;
}

export interface ForwardInputs {
  /** [batch, seq] token ids ([batch, choices, seq] for multiple choice). */
  inputIds: IntTensorInput;
  /** 1 for real tokens, 0 for padding (default: all 1). */
  attentionMask?: IntTensorInput;
  /** Segment ids (default: all 0). */
  tokenTypeIds?: IntTensorInput;
}

export interface ForwardOptions {
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
  /** Cancels the call: a queued request is dropped, a running one's result discarded. */
  signal?: AbortSignal;
  /**
   * Masked-LM heads only: a [batch, seq] 0/1 tensor choosing the positions that get vocabulary
   * logits. `logits` / `predictionLogits` then come back compact as [count, vocab], in (batch,
   * position) order: far less work and memory when only the [MASK] positions matter.
   */
  logitsAt?: IntTensorInput;
}

/** HF's output fields, camelCased. Which are present depends on the head. */
export interface AlbertOutput {
  lastHiddenState: Tensor;
  poolerOutput?: Tensor;
  /** AlbertForPreTraining: [batch, seq, vocab]. */
  predictionLogits?: Tensor;
  /** AlbertForPreTraining: [batch, 2]. */
  sopLogits?: Tensor;
  /** Masked LM [batch, seq, vocab]; sequence cls [batch, labels]; token cls [batch, seq, labels]; multiple choice [batch, choices]. */
  logits?: Tensor;
  startLogits?: Tensor;
  endLogits?: Tensor;
  /** numHiddenLayers + 1 tensors [batch, seq, hidden]: the projected embeddings, then each layer. */
  hiddenStates?: Tensor[];
  /** numHiddenLayers x innerGroupNum tensors [batch, heads, seq, seq]. */
  attentions?: Tensor[];
}

const OUTPUT_NAMES: Record<string, keyof AlbertOutput> = {
  last_hidden_state: 'lastHiddenState',
  pooler_output: 'poolerOutput',
  prediction_logits: 'predictionLogits',
  sop_logits: 'sopLogits',
  logits: 'logits',
  start_logits: 'startLogits',
  end_logits: 'endLogits',
};

type CheckedOptions = { threads: number; precision: Precision; isa: Isa; bf16Path?: Bf16Path; bf16Rounding?: Bf16Rounding };

/** Reads and validates dir/config.json (AlbertError ERR_NOT_FOUND or ERR_CONFIG naming the file). */
export async function readConfig(dir: string): Promise<AlbertConfig> {
  const configPath = join(dir, 'config.json');
  const configText = (await readRequired(configPath, 'config.json')).toString('utf8');
  let rawConfig: unknown;
  try {
    rawConfig = JSON.parse(configText);
  } catch (error) {
    throw new AlbertError('ERR_CONFIG', `${configPath}: not valid JSON (${(error as Error).message})`);
  }
  return parseConfig(rawConfig, configPath);
}

/**
 * What the packed weights depend on: the weights files (resolved path, device, inode, size and
 * modification time of each), the config the engine reads, and the packing options (not
 * threads). Models with equal keys can share one copy (option shareWeights). A missing file
 * gives no key: the read that follows reports it.
 */
async function weightsShareKey(files: string[], engineConfig: Record<string, number | string>, options: CheckedOptions): Promise<string | undefined> {
  try {
    const identities = await Promise.all(files.map(async (path) => {
      const file = await realpath(path);
      const info = await stat(file);
      return [file, info.dev, info.ino, info.size, info.mtimeMs];
    }));
    return JSON.stringify([identities, engineConfig, options.isa, options.precision, options.bf16Path ?? null, options.bf16Rounding ?? null]);
  } catch {
    return undefined;
  }
}

function checkOptions(options: FromPretrainedOptions): CheckedOptions {
  if (options.shareWeights !== undefined && typeof options.shareWeights !== 'boolean') {
    throw new AlbertError('ERR_CONFIG', `option shareWeights must be a boolean, got ${String(options.shareWeights)}`);
  }
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new AlbertError('ERR_CONFIG', `option threads must be an integer 1..1024, got ${String(options.threads)}`);
  }
  const precision = options.precision ?? 'fp32';
  if (!PRECISIONS.includes(precision)) {
    throw new AlbertError('ERR_CONFIG', `option precision must be ${PRECISIONS.map((p) => `'${p}'`).join(', ')}, got ${String(precision)}`);
  }
  const bf16Path = precision === 'bf16' ? defaultBf16Path() : undefined;
  if (bf16Path === null) throw new AlbertError('ERR_ISA', 'precision bf16 needs a CPU with AMX-BF16 or AVX512-BF16');
  const isa = options.isa ?? defaultIsa();
  if (!ISAS.includes(isa)) throw new AlbertError('ERR_ISA', `unknown isa ${JSON.stringify(isa)} (${ISAS.join(', ')})`);
  if (precision === 'int8') checkInt8Isa(isa);
  return { threads, precision, isa, bf16Path, bf16Rounding: checkBf16Rounding(options.bf16Rounding, precision) };
}

/** The instructions int8's vector kernel needs on each isa. */
const INT8_NEEDS: Record<Exclude<Isa, 'scalar'>, string> = {
  avx512: 'AVX512-VNNI',
  avx2: 'AVX-VNNI',
  neon: 'the ARMv8.2 dot product (SDOT)',
};

/** int8 runs on a VNNI or dot-product kernel (int8Isas()) or on the scalar kernel. */
function checkInt8Isa(isa: Isa): void {
  if (isa === 'scalar' || int8Isas().includes(isa)) return;
  throw new AlbertError('ERR_ISA', `precision int8 with isa '${isa}' needs a CPU with ${INT8_NEEDS[isa]} (isa 'scalar' runs int8 anywhere)`);
}

function checkBf16Rounding(rounding: Bf16Rounding | undefined, precision: Precision): Bf16Rounding | undefined {
  if (rounding === undefined) return precision === 'bf16' ? 'alternating' : undefined;
  if (!BF16_ROUNDINGS.includes(rounding)) {
    throw new AlbertError('ERR_CONFIG', `option bf16Rounding must be ${BF16_ROUNDINGS.map((r) => `'${r}'`).join(' or ')}, got ${JSON.stringify(rounding)}`);
  }
  if (precision !== 'bf16') throw new AlbertError('ERR_CONFIG', `option bf16Rounding applies to precision 'bf16' only (precision is '${precision}')`);
  return rounding;
}

export class AlbertModel {
  readonly config: AlbertConfig;
  readonly head: AlbertHead;
  readonly isa: Isa;
  readonly precision: Precision;
  /** The bf16 kernel this model runs (precision 'bf16'), else null. */
  readonly bf16Path: Bf16Path | null;
  /** How the shared layers' bf16 weights are rounded (precision 'bf16'), else null. */
  readonly bf16Rounding: Bf16Rounding | null;
  readonly threads: number;
  #handle: NativeModelHandle | null;
  readonly #batcher: Batcher;

  private constructor(config: AlbertConfig, head: AlbertHead, options: CheckedOptions, handle: NativeModelHandle, batching: Required<BatchingOptions>) {
    this.config = config;
    this.head = head;
    this.isa = options.isa;
    this.precision = options.precision;
    this.bf16Path = options.bf16Path ?? null;
    this.bf16Rounding = options.bf16Rounding ?? null;
    this.threads = options.threads;
    this.#handle = handle;
    this.#batcher = new Batcher(() => this.#handle, batching);
  }

  /**
   * Loads a Hugging Face model folder: config.json, and the weights from model.safetensors or,
   * without it, pytorch_model.bin (torch.save's zip or legacy format, read without running its
   * pickle); either may be sharded, listed by a .index.json.
   */
  static async fromPretrained(dir: string, options: FromPretrainedOptions = {}): Promise<AlbertModel> {
    if (typeof dir !== 'string') throw new TypeError('fromPretrained(dir): dir must be a string');
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new AlbertError('ERR_NOT_FOUND', `model folder not found: ${dir}`);
    const checked = checkOptions(options);
    const batching = checkBatchingOptions(options.batching);

    const config = await readConfig(dir);
    const head = options.head === undefined ? headFromArchitectures(config.architectures) : checkHead(options.head);

    const weights = await locateWeights(dir);
    const engineConfig = nativeConfig(config, head);
    // Taken before the read: a file replaced meanwhile then gets a key of its own next time.
    const shareKey = options.shareWeights === false ? undefined : await weightsShareKey(weights.files, engineConfig, checked);
    let handle: NativeModelHandle | null = null;
    try {
      // Weights some live model loaded from this very file need not be read again.
      if (shareKey !== undefined) handle = native().createSharedModel({ config: engineConfig, ...checked, shareKey });
      if (handle === null) {
        const tensors = selectTensors(await readWeights(weights), weights.path, config, head);
        handle = await native().createModel({ config: engineConfig, tensors, ...checked, shareKey });
      }
    } catch (error) {
      throw fromNativeError(error, `loading ${dir}`);
    }
    return new AlbertModel(config, head, checked, handle, batching);
  }

  /** True after dispose(). */
  get disposed(): boolean {
    return this.#handle === null;
  }

  /** Bytes of native memory holding the (converted, packed) weights, shared ones included. */
  get weightBytes(): number {
    return this.#handle?.weightBytes ?? 0;
  }

  /** True when this model runs on the weights of a model loaded before it (option shareWeights). */
  get weightsShared(): boolean {
    return this.#handle?.weightsShared ?? false;
  }

  /** Counters of the request batcher. */
  stats(): ModelStats {
    return this.#batcher.stats();
  }

  /**
   * Runs the model off the JS thread. Safe to call many times concurrently: calls made while
   * the engine is busy are gathered into one batch (see FromPretrainedOptions.batching).
   */
  async forward(inputs: ForwardInputs, options: ForwardOptions = {}): Promise<AlbertOutput> {
    if (!this.#handle) throw new AlbertError('ERR_DISPOSED', 'forward() called after dispose()');
    const request = this.#prepare(inputs);
    let result;
    try {
      result = await this.#batcher.submit({
        inputIds: request.inputIds,
        attentionMask: request.attentionMask,
        tokenTypeIds: request.tokenTypeIds,
        batch: request.batch,
        seqLen: request.seqLen,
        outputHiddenStates: options.outputHiddenStates === true,
        outputAttentions: options.outputAttentions === true,
        logitsAt: this.#logitsAt(options.logitsAt, request.outerDims),
      }, options.signal);
    } catch (error) {
      throw fromNativeError(error, 'forward');
    }
    const output = {} as AlbertOutput;
    for (const [name, tensor] of Object.entries(result.outputs)) {
      (output as unknown as Record<string, NativeTensor>)[OUTPUT_NAMES[name] ?? name] = tensor;
    }
    if (this.head === 'multiple-choice' && output.logits) {
      output.logits.dims = [request.outerDims[0], request.outerDims[1]];
    }
    if (result.hiddenStates) output.hiddenStates = result.hiddenStates;
    if (result.attentions) output.attentions = result.attentions;
    return output;
  }

  /**
   * Frees the activation buffers the model keeps between forwards (sized for the largest batch
   * so far) while keeping the model loaded: for after a burst of large batches. Forwards running
   * now keep theirs until they finish; the next forward allocates what it needs again.
   */
  releaseBuffers(): void {
    this.#handle?.releaseBuffers();
  }

  /** Frees the native weights now. Queued calls are rejected; a running batch finishes first. */
  dispose(): void {
    if (!this.#handle) return;
    this.#handle.dispose();
    this.#handle = null;
    this.#batcher.rejectQueued(new AlbertError('ERR_DISPOSED', 'the model was disposed before this forward() ran'));
  }

  #logitsAt(input: IntTensorInput | undefined, dims: number[]): Int32Array | undefined {
    if (input === undefined) return undefined;
    if (this.head !== 'masked-lm' && this.head !== 'pretraining') {
      throw new AlbertError('ERR_INPUT', `logitsAt needs a masked-lm or pretraining head; this model's head is '${this.head}'`);
    }
    const t = toIntTensor('logitsAt', input);
    if (t.dims.join() !== dims.join()) {
      throw new AlbertError('ERR_INPUT', `logitsAt dims [${t.dims.join(', ')}] disagree with inputIds dims [${dims.join(', ')}]`);
    }
    checkRange('logitsAt', t, 2, 'selector (0 or 1)');
    return t.data;
  }

  #prepare(inputs: ForwardInputs) {
    if (typeof inputs !== 'object' || inputs === null) throw new AlbertError('ERR_INPUT', 'forward(inputs): inputs must be an object');
    const ids = toIntTensor('inputIds', inputs.inputIds);
    const rank = this.head === 'multiple-choice' ? 3 : 2;
    if (ids.dims.length !== rank) {
      throw new AlbertError('ERR_INPUT', `inputIds must have ${rank} dims (${rank === 3 ? '[batch, choices, seq]' : '[batch, seq]'}), got [${ids.dims.join(', ')}]`);
    }
    if (ids.data.length === 0) throw new AlbertError('ERR_INPUT', `empty batch: inputIds dims [${ids.dims.join(', ')}]`);
    const seqLen = ids.dims[rank - 1];
    const batch = ids.data.length / seqLen;
    if (seqLen > this.config.maxPositionEmbeddings) {
      throw new AlbertError('ERR_INPUT', `sequence length ${seqLen} exceeds max_position_embeddings ${this.config.maxPositionEmbeddings}`);
    }
    checkRange('inputIds', ids, this.config.vocabSize, `token id (vocab_size ${this.config.vocabSize})`);
    const sameDims = (name: string, input: IntTensorInput | undefined) => {
      if (input === undefined) return undefined;
      const t = toIntTensor(name, input);
      if (t.dims.length !== ids.dims.length || t.dims.some((d, i) => d !== ids.dims[i])) {
        throw new AlbertError('ERR_INPUT', `${name} dims [${t.dims.join(', ')}] disagree with inputIds dims [${ids.dims.join(', ')}]`);
      }
      return t;
    };
    const mask = sameDims('attentionMask', inputs.attentionMask);
    const types = sameDims('tokenTypeIds', inputs.tokenTypeIds);
    if (mask) {
      checkRange('attentionMask', mask, 2, 'mask value');
      for (let b = 0; b < batch; ++b) {
        if (!mask.data.subarray(b * seqLen, (b + 1) * seqLen).includes(1)) {
          throw new AlbertError('ERR_INPUT', `attentionMask row ${b} has no 1s: the sequence has no tokens to attend to`);
        }
      }
    }
    if (types) checkRange('tokenTypeIds', types, this.config.typeVocabSize, `token type id (type_vocab_size ${this.config.typeVocabSize})`);
    return { inputIds: ids.data, attentionMask: mask?.data, tokenTypeIds: types?.data, batch, seqLen, outerDims: ids.dims };
  }
}
