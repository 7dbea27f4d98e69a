// Loads the compiled addon once. Everything native goes through this module.
import { join } from 'node:path';
import { AlbertError } from './errors';

export interface NativeTensor {
  data: Float32Array;
  dims: number[];
}

export interface NativeForwardResult {
  outputs: Record<string, NativeTensor>;
  hiddenStates?: NativeTensor[];
  attentions?: NativeTensor[];
}

export interface NativeModelHandle {
  forward(request: {
    inputIds: Int32Array;
    attentionMask?: Int32Array;
    tokenTypeIds?: Int32Array;
    batch: number;
    seqLen: number;
    outputHiddenStates: boolean;
    outputAttentions: boolean;
    logitsAt?: Int32Array;
  }): Promise<NativeForwardResult>;
  dispose(): void;
  /** Frees the activation buffers kept for reuse between forwards. */
  releaseBuffers(): void;
  readonly isa: string | null;
  readonly weightBytes: number;
  /** True when the weights were a live model's with the same share key. */
  readonly weightsShared: boolean;
}

export interface NativeTensorSpec {
  name: string;
  dtype: 'F32' | 'F16' | 'BF16';
  shape: number[];
  data: Uint8Array;
}

export interface NativeAddon {
  createModel(spec: {
    config: Record<string, number | string>;
    tensors: NativeTensorSpec[];
    threads: number;
    isa: string;
    precision: 'fp32' | 'bf16' | 'int8';
    /** The bf16 kernel, with precision 'bf16'. */
    bf16Path?: string;
    /** 'alternating' or 'nearest', with precision 'bf16'. */
    bf16Rounding?: string;
    /** Reuse the packed weights of a live model created with the same key (see weightsShareKey). */
    shareKey?: string;
  }): Promise<NativeModelHandle>;
  /** A model on the live weights registered under spec.shareKey (no file needed), or null when there are none. */
  createSharedModel(spec: Omit<Parameters<NativeAddon['createModel']>[0], 'tensors'> & { shareKey: string }): NativeModelHandle | null;
  defaultIsa(): string;
  /** ALBERT_BF16 when set, else the best bf16 kernel; throws when that is missing. */
  defaultBf16Path(): string;
  cpuFeatures(): { avx2: boolean; avx512: boolean; neon: boolean; avx512bf16: boolean; amxbf16: boolean; avx512vnni: boolean; avxvnni: boolean; neondotprod: boolean; best: string };
}

let addon: NativeAddon | undefined;

export function native(): NativeAddon {
  if (addon) return addon;
  const path = join(__dirname, '..', 'build', 'Release', 'albert_native.node');
  try {
    addon = require(path) as NativeAddon;
  } catch (error) {
    const hint = 'build it with `npm install` in albert-native, or `npm rebuild albert-native` in a project that depends on it (npm 11: `npm install-scripts approve albert-native` first)';
    throw new AlbertError('ERR_NATIVE', `cannot load the native addon at ${path} (${hint}): ${(error as Error).message}`, { cause: error });
  }
  return addon;
}
