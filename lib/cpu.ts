// What this CPU offers the engine, for diagnostics and for choosing `isa` / `precision`.
import { fromNativeError } from './errors';
import { native } from './native';

/** Instruction-set paths of the fp32 kernels, slowest first. */
export const ISAS = ['scalar', 'avx2', 'avx512'] as const;
export type Isa = (typeof ISAS)[number];

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

/** ALBERT_ISA when set (an AlbertError ERR_ISA when it names an unknown or missing path), else the best. */
export function defaultIsa(): Isa {
  try {
    return native().defaultIsa() as Isa;
  } catch (error) {
    throw fromNativeError(error, 'ALBERT_ISA');
  }
}

/** Whether the bf16 kernels can run here. */
export function hasBf16(): boolean {
  const f = native().cpuFeatures();
  return f.amxbf16 || f.avx512bf16;
}

export function cpuInfo(): CpuInfo {
  const f = native().cpuFeatures();
  const supportedIsas = ISAS.filter((isa) => isa === 'scalar' || f[isa]);
  return { supportedIsas, defaultIsa: defaultIsa(), bf16: hasBf16(), amx: f.amxbf16 };
}
