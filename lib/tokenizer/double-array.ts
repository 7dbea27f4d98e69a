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

/**
 * Builds the arrays depth-first. Free slots are kept in a linked list so that searching a
 * base only visits free slots; a slot that keeps failing as the first child's position is
 * dropped from the search list (it stays free for other children), which keeps the build
 * close to linear - the same trick darts-clone uses.
 */
class Builder {
  base: Int32Array;
  check: Int32Array;
  value: Int32Array;
  private next: Int32Array;
  private prev: Int32Array;
  private fails: Uint8Array;
  private head = -1;
  private tail = -1;
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
    this.next = new Int32Array(cap).fill(-1);
    this.prev = new Int32Array(cap).fill(-1);
    this.fails = new Uint8Array(cap);
    this.check[0] = -2; // the root occupies slot 0
    this.link(1, cap);
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
    for (const label of labels) this.use(b + label, node);
    this.maxUsed = Math.max(this.maxUsed, b + labels[labels.length - 1]);
    for (let k = 0; k < labels.length; k++) this.place(b + labels[k], bounds[2 * k], bounds[2 * k + 1], depth + 1);
  }

  /** A base whose slots for all labels are free, trying the listed free slots in order. */
  private findBase(labels: number[]): number {
    const first = labels[0];
    for (let p = this.head; ; ) {
      if (p < 0) { this.grow(); p = this.head; continue; }
      const b = p - first;
      if (b >= 1) {
        this.ensure(b + 256);
        let ok = true;
        for (let k = 1; k < labels.length && ok; k++) ok = this.check[b + labels[k]] === -1;
        if (ok) return b;
      }
      const n = this.next[p];
      if (++this.fails[p] >= 16) this.unlink(p);
      p = n;
    }
  }

  private use(slot: number, parent: number): void {
    this.check[slot] = parent;
    if (this.prev[slot] !== -1 || this.head === slot) this.unlink(slot);
  }

  private link(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      this.prev[i] = this.tail;
      if (this.tail >= 0) this.next[this.tail] = i; else this.head = i;
      this.tail = i;
    }
  }

  private unlink(slot: number): void {
    const p = this.prev[slot];
    const n = this.next[slot];
    if (p >= 0) this.next[p] = n; else this.head = n;
    if (n >= 0) this.prev[n] = p; else this.tail = p;
    this.prev[slot] = -1;
    this.next[slot] = -1;
  }

  private ensure(size: number): void {
    while (size >= this.check.length) this.grow();
  }

  private grow(): void {
    const old = this.check.length;
    const cap = old * 2;
    const g = <T extends Int32Array | Uint8Array>(a: T, b: T, fill: number): T => { b.fill(fill); b.set(a); return b; };
    this.base = g(this.base, new Int32Array(cap), 0);
    this.check = g(this.check, new Int32Array(cap), -1);
    this.value = g(this.value, new Int32Array(cap), -1);
    this.next = g(this.next, new Int32Array(cap), -1);
    this.prev = g(this.prev, new Int32Array(cap), -1);
    this.fails = g(this.fails, new Uint8Array(cap), 0);
    this.link(old, cap);
  }

  /** Trims to the used size plus 256 so that base[s] + byte never reads past the end. */
  finish(): DoubleArrayTrie {
    const size = this.maxUsed + 257;
    this.ensure(size);
    const check = this.check.slice(0, size);
    check[0] = -1;
    return new DoubleArrayTrie(this.base.slice(0, size), check, this.value.slice(0, size));
  }
}
