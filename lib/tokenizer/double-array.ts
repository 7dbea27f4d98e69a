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
    const order = Int32Array.from(keys, (_, i) => i);
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

/**
 * Builds the arrays depth-first, children in byte order. Each node sorts only its own keys,
 * by their byte at the node's depth (an MSD radix sort spread over the build), which costs
 * far less than sorting the whole vocabulary with a byte-string comparator. Free slots are
 * kept in a linked list so that searching a base only visits free slots; a slot that keeps failing as the first child's position is
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
  private readonly scratchByDepth: { labels: Int32Array; bounds: Int32Array }[] = [];

  constructor(
    private readonly keys: readonly Uint8Array[],
    private readonly values: readonly number[],
    private readonly order: Int32Array,
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
    let i = this.sortByByte(lo, hi, depth);
    if (i > lo) this.value[node] = this.values[this.order[lo]];
    // The children's labels, and where each child's keys start (bounds[count] = hi).
    const { labels, bounds } = this.scratch(depth);
    let count = 0;
    while (i < hi) {
      const label = this.keys[this.order[i]][depth];
      labels[count] = label;
      bounds[count++] = i;
      while (i < hi && this.keys[this.order[i]][depth] === label) i++;
    }
    if (count === 0) return;
    bounds[count] = hi;
    const b = this.findBase(labels, count);
    this.base[node] = b;
    for (let k = 0; k < count; k++) this.use(b + labels[k], node);
    this.maxUsed = Math.max(this.maxUsed, b + labels[count - 1]); // labels ascend: the last is the largest
    for (let k = 0; k < count; k++) this.place(b + labels[k], bounds[k], bounds[k + 1], depth + 1);
  }

  /** Per-depth label and bound arrays for place(), reused by every node at that depth. */
  private scratch(depth: number): { labels: Int32Array; bounds: Int32Array } {
    while (this.scratchByDepth.length <= depth) this.scratchByDepth.push({ labels: new Int32Array(256), bounds: new Int32Array(257) });
    return this.scratchByDepth[depth];
  }

  /**
   * Orders order[lo, hi) by each key's byte at `depth`, the key that ends there (at most one:
   * keys are distinct) first. Returns where the keys with a byte at `depth` begin.
   */
  private sortByByte(lo: number, hi: number, depth: number): number {
    const { keys, order } = this;
    let start = lo;
    for (let i = lo; i < hi; i++) {
      if (keys[order[i]].length === depth) {
        const ended = order[i];
        order[i] = order[lo];
        order[lo] = ended;
        start = lo + 1;
        break;
      }
    }
    // Most nodes hold a handful of keys; counting 256 byte values pays off only for many.
    if (hi - start <= 32) this.insertionSort(start, hi, depth);
    else this.countingSort(start, hi, depth);
    return start;
  }

  private insertionSort(lo: number, hi: number, depth: number): void {
    const { keys, order } = this;
    for (let i = lo + 1; i < hi; i++) {
      const key = order[i];
      const byte = keys[key][depth];
      let j = i - 1;
      for (; j >= lo && keys[order[j]][depth] > byte; j--) order[j + 1] = order[j];
      order[j + 1] = key;
    }
  }

  private countingSort(lo: number, hi: number, depth: number): void {
    const { keys, order } = this;
    const starts = new Int32Array(257);
    for (let i = lo; i < hi; i++) starts[keys[order[i]][depth] + 1]++;
    for (let b = 0; b < 256; b++) starts[b + 1] += starts[b];
    const sorted = new Int32Array(hi - lo);
    for (let i = lo; i < hi; i++) sorted[starts[keys[order[i]][depth]]++] = order[i];
    order.set(sorted, lo);
  }

  /** A base whose slots for all labels are free, trying the listed free slots in order. */
  private findBase(labels: Int32Array, count: number): number {
    const first = labels[0];
    for (let p = this.head; ; ) {
      if (p < 0) { this.grow(); p = this.head; continue; }
      const b = p - first;
      if (b >= 1) {
        this.ensure(b + 256);
        let ok = true;
        for (let k = 1; k < count && ok; k++) ok = this.check[b + labels[k]] === -1;
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
