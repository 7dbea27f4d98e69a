/**
 * A byte-keyed double-array trie (Aoe 1989) built at load time from the vocabulary.
 *
 * Transition from node s on byte c goes to t = base[s] + c, valid iff check[t] === s.
 * Lookups are two typed-array reads per byte, which keeps the Viterbi inner loop free of
 * allocation and hashing. value[t] is the key's payload (a piece id) or -1.
 */
export class DoubleArrayTrie {
  /** Use DoubleArrayTrie.build(); the arrays are taken as they are. */
  constructor(
    readonly base: Int32Array,
    readonly check: Int32Array,
    readonly value: Int32Array,
  ) {}

  /** Keys must be distinct; values are non-negative. */
  static build(keys: readonly Uint8Array[], values: readonly number[]): DoubleArrayTrie {
    const order = keys.map((_, i) => i).sort((a, b) => compareBytes(keys[a], keys[b]));
    const builder = new Builder(keys, values, order);
    builder.place(0, 0, order.length, 0);
    return builder.finish();
  }

  /** Value of the exact key bytes[start, end), or -1. */
  exactMatch(bytes: Uint8Array, start: number, end: number): number {
    let node = 0;
    for (let i = start; i < end; i++) {
      const t = this.base[node] + bytes[i];
      if (this.check[t] !== node) return -1;
      node = t;
    }
    return this.value[node];
  }

  /** Length in bytes of the longest key that is a prefix of bytes[start, end); 0 if none. */
  longestPrefix(bytes: Uint8Array, start: number, end: number): number {
    let node = 0;
    let best = 0;
    for (let i = start; i < end; i++) {
      const t = this.base[node] + bytes[i];
      if (this.check[t] !== node) break;
      node = t;
      if (this.value[node] >= 0) best = i + 1 - start;
    }
    return best;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

class Builder {
  base: Int32Array;
  check: Int32Array;
  value: Int32Array;
  private firstFree = 1;
  private maxUsed = 0;

  constructor(
    private readonly keys: readonly Uint8Array[],
    private readonly values: readonly number[],
    private readonly order: readonly number[],
  ) {
    let total = 0;
    for (const k of keys) total += k.length;
    const cap = total + 1024;
    this.base = new Int32Array(cap);
    this.check = new Int32Array(cap).fill(-1);
    this.value = new Int32Array(cap).fill(-1);
  }

  /** Places the children of `node`, whose subtree holds order[lo, hi), all sharing `depth` bytes. */
  place(node: number, lo: number, hi: number, depth: number): void {
    let i = lo;
    if (i < hi && this.keys[this.order[i]].length === depth) {
      this.value[node] = this.values[this.order[i]];
      i++;
    }
    const labels: number[] = [];
    const bounds: number[] = [];
    while (i < hi) {
      const label = this.keys[this.order[i]][depth];
      let j = i + 1;
      while (j < hi && this.keys[this.order[j]][depth] === label) j++;
      labels.push(label);
      bounds.push(i, j);
      i = j;
    }
    if (labels.length === 0) return;
    const b = this.findBase(labels);
    this.base[node] = b;
    for (const label of labels) this.check[b + label] = node;
    for (let k = 0; k < labels.length; k++) this.place(b + labels[k], bounds[2 * k], bounds[2 * k + 1], depth + 1);
  }

  /** First-fit search for a base whose slots for all labels are free. */
  private findBase(labels: number[]): number {
    while (this.check[this.firstFree] !== -1) this.firstFree++;
    for (let b = Math.max(1, this.firstFree - labels[0]); ; b++) {
      this.ensure(b + 256);
      if (labels.every((l) => this.check[b + l] === -1)) {
        this.maxUsed = Math.max(this.maxUsed, b + labels[labels.length - 1]);
        return b;
      }
    }
  }

  private ensure(size: number): void {
    if (size < this.check.length) return;
    const cap = Math.max(size + 1, this.check.length * 2);
    const grow = (a: Int32Array, fill: number): Int32Array => {
      const n = new Int32Array(cap).fill(fill);
      n.set(a);
      return n;
    };
    this.base = grow(this.base, 0);
    this.check = grow(this.check, -1);
    this.value = grow(this.value, -1);
  }

  /** Trims to the used size plus 256 so that base[s] + byte never reads past the end. */
  finish(): DoubleArrayTrie {
    const size = this.maxUsed + 257;
    this.ensure(size);
    return new DoubleArrayTrie(this.base.slice(0, size), this.check.slice(0, size), this.value.slice(0, size));
  }
}
