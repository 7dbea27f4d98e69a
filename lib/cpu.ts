// What this CPU offers the engine, for diagnostics and for choosing `isa` / `precision`.
import { fromNativeError } from './errors';
import { native } from './native';
import type { Isa } from './model/albert-model';

export interface CpuInfo {
  /** Instruction-set paths this CPU can run, slowest first. */
  supportedIsas: Isa[];
  /** The path models use by default: ALBERT_ISA when set, else the best supported. */
  defaultIsa: Isa;
  /** Whether `precision: 'bf16'` is available (AMX-BF16 or AVX512-BF16). */
  bf16: boolean;
  /** bf16 runs on AMX tiles (Sapphire Rapids and later). */
  amx: boolean;
}

export function cpuInfo(): CpuInfo {
  const addon = native();
  const f = addon.cpuFeatures();
  const supportedIsas: Isa[] = ['scalar'];
  if (f.avx2) supportedIsas.push('avx2');
  if (f.avx512) supportedIsas.push('avx512');
  let defaultIsa: Isa;
  try {
    defaultIsa = addon.defaultIsa() as Isa;
  } catch (error) {
    throw fromNativeError(error, 'ALBERT_ISA');
  }
  return { supportedIsas, defaultIsa, bf16: f.amxbf16 || f.avx512bf16, amx: f.amxbf16 };
}
