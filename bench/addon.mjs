// The addon build the kernel benchmarks (gemm.mjs, kernels.mjs) time: ALBERT_NATIVE_ADDON when
// set (another build to compare), else this checkout's build/Release.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const addonPath =
  process.env.ALBERT_NATIVE_ADDON ?? fileURLToPath(new URL('../build/Release/albert_native.node', import.meta.url));
export const native = createRequire(import.meta.url)(addonPath);
