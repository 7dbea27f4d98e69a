// What a weights file reader hands on, whatever the file format (model.safetensors or
// pytorch_model.bin): named tensors with a dtype, a shape and their bytes in row-major order.

/** Element types, spelled as safetensors spells them. */
export type TensorDType =
  | 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8'
  | 'BOOL' | 'F8_E4M3' | 'F8_E5M2';

export interface StoredTensor {
  name: string;
  dtype: TensorDType;
  shape: number[];
  /** The tensor's bytes, little-endian, row-major; usually a view into the file's buffer. */
  data: Uint8Array;
}

export interface TensorFile {
  tensors: Map<string, StoredTensor>;
}
