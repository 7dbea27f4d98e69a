// albert-native: public entry point.
export * from './tokenizer/index';
export * from './model/index';
export * from './pipelines/index';
export { AlbertError } from './errors';
export { cpuInfo } from './cpu';
export type { Bf16Path, CpuInfo } from './cpu';
export type { AlbertErrorCode } from './errors';
