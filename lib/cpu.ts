// What this CPU offers the engine, for diagnostics and for choosing `isa` / `precision`.
import { fromNativeError } from './errors';
import { native } from './native';

/** Instruction-set paths of the fp32 kernels: the portable one, then x86-64's (slowest first), then AArch64's. */
export const ISAS = ['scalar', 'avx2', 'avx512', 'neon'] as const;
export type Isa = (typeof ISAS)[number];

/** The bf16 kernels: AMX tiles, or AVX512-BF16 dot products. */
export const BF16_PATHS = ['amx', 'avx512bf16'] as const;
export type Bf16Path = (typeof BF16_PATHS)[number];

export interface CpuInfo {
  /** Instruction-set paths this CPU can run, slowest first. */
  supportedIsas: Isa[];
  /** The path models use by default: ALBERT_ISA when set, else the best supported. */
  defaultIsa: Isa;
  /** Whether `precision: 'bf16'` is available (AMX-BF16 or AVX512-BF16). */
  bf16: boolean;
  /** bf16 runs on AMX tiles (Sapphire Rapids and later). */
  amx: boolean;
  /** bf16 kernels this CPU can run (ALBERT_BF16 may force any of them). */
  supportedBf16Paths: Bf16Path[];
  /** The kernel `precision: 'bf16'` uses: ALBERT_BF16 when set, else AMX, else AVX512-BF16; null without bf16. */
  bf16Path: Bf16Path | null;
  /** Whether `precision: 'int8'` has a vector kernel on the default isa (AVX512-VNNI for 'avx512', AVX-VNNI for 'avx2', dot product for 'neon'). */
  int8: boolean;
  /** The isas with an int8 vector kernel here (isa 'scalar' runs int8 everywhere). */
  int8Isas: Isa[];
}

/** ALBERT_ISA when set (an AlbertError ERR_ISA when it names an unknown or missing path), else the best. */
export function defaultIsa(): Isa {
  try {
    return native().defaultIsa() as Isa;
  } catch (error) {
    throw fromNativeError(error, 'ALBERT_ISA');
  }
}

/**
 * The bf16 kernel models use: ALBERT_BF16 when set (an AlbertError ERR_ISA when it names an
 * unknown or missing path), else AMX, else AVX512-BF16; null when the CPU has neither.
 */
export function defaultBf16Path(): Bf16Path | null {
  if (!process.env.ALBERT_BF16 && !hasBf16()) return null;
  try {
    return native().defaultBf16Path() as Bf16Path;
  } catch (error) {
    throw fromNativeError(error, 'ALBERT_BF16');
  }
}

/**
 * The isas whose int8 vector kernel this CPU runs: 'avx512' (AVX512-VNNI), 'avx2' (AVX-VNNI),
 * 'neon' (the ARMv8.2 dot product).
 */
export function int8Isas(): Isa[] {
  const f = native().cpuFeatures();
  const isas: Isa[] = [];
  if (f.avx512vnni) isas.push('avx512');
  if (f.avxvnni) isas.push('avx2');
  if (f.neondotprod) isas.push('neon');
  return isas;
}

/** Whether the bf16 kernels can run here. */
export function hasBf16(): boolean {
  const f = native().cpuFeatures();
  return f.amxbf16 || f.avx512bf16;
}

export function cpuInfo(): CpuInfo {
  const f = native().cpuFeatures();
  const supportedIsas = ISAS.filter((isa) => isa === 'scalar' || f[isa]);
  const supportedBf16Paths = BF16_PATHS.filter((path) => (path === 'amx' ? f.amxbf16 : f.avx512bf16));
  const isa = defaultIsa();
  const int8 = int8Isas();
  return {
    supportedIsas,
    defaultIsa: isa,
    bf16: hasBf16(),
    amx: f.amxbf16,
    supportedBf16Paths,
    bf16Path: defaultBf16Path(),
    int8: int8.includes(isa),
    int8Isas: int8,
  };
}
