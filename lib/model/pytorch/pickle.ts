// A restricted reader for Python pickles (protocols 2-5): the opcodes torch.save's pickles use,
// and nothing that runs code. A pickle may only name the globals `findGlobal` allows and only
// call those that come with a `call`; everything else stops the read with an error. Lists and
// tuples both become arrays, dicts become Maps.

export type PickleFailure = (message: string) => never;

/** A Python global (class or function) the caller allows; `call` makes it callable by REDUCE. */
export interface PickleGlobal {
  readonly module: string;
  readonly name: string;
  readonly call?: (args: unknown[]) => unknown;
}

export interface PickleHooks {
  /** GLOBAL / STACK_GLOBAL: return the allowed global, or fail. */
  findGlobal(module: string, name: string): PickleGlobal;
  /** BINPERSID: what the persistent id stands for (torch: a storage). */
  persistentLoad(id: unknown): unknown;
  fail: PickleFailure;
}

export function isPickleGlobal(value: unknown): value is PickleGlobal {
  return typeof value === 'object' && value !== null && 'module' in value && 'name' in value && !(value instanceof Map) && !Array.isArray(value);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

class Machine {
  private pos: number;
  private readonly view: DataView;
  private stack: unknown[] = [];
  private readonly marks: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();

  constructor(private readonly bytes: Uint8Array, start: number, private readonly hooks: PickleHooks) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(message: string): never {
    return this.hooks.fail(`pickle byte ${this.pos}: ${message}`);
  }

  private take(length: number): Uint8Array {
    if (length < 0 || this.pos + length > this.bytes.byteLength) this.fail(`needs ${length} more bytes, the pickle ends first: truncated`);
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  private u8(): number {
    return this.take(1)[0];
  }

  private u16(): number {
    const b = this.take(2);
    return b[0] | (b[1] << 8);
  }

  private u32(): number {
    this.take(4);
    return this.view.getUint32(this.pos - 4, true);
  }

  private i32(): number {
    this.take(4);
    return this.view.getInt32(this.pos - 4, true);
  }

  private u64(): number {
    this.take(8);
    const value = this.view.getBigUint64(this.pos - 8, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`length ${value} is out of range`);
    return Number(value);
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('a text line has no end: truncated');
    const text = latin1.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }

  private text(length: number): string {
    const bytes = this.take(length);
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('a string is not valid UTF-8');
    }
  }

  /** LONG1 / LONG4: little-endian two's complement; a number when it fits, else a bigint. */
  private long(length: number): number | bigint {
    const b = this.take(length);
    let value = 0n;
    for (let i = length - 1; i >= 0; --i) value = (value << 8n) | BigInt(b[i]);
    if (length > 0 && b[length - 1] & 0x80) value -= 1n << BigInt(8 * length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  private push(value: unknown): void {
    this.stack.push(value);
  }

  private pop(): unknown {
    if (this.stack.length === 0) this.fail('stack underflow');
    return this.stack.pop();
  }

  private top(): unknown {
    if (this.stack.length === 0) this.fail('stack underflow');
    return this.stack[this.stack.length - 1];
  }

  private popMark(): unknown[] {
    const items = this.stack;
    const previous = this.marks.pop();
    if (!previous) this.fail('no MARK to pop to');
    this.stack = previous;
    return items;
  }

  private memoGet(index: number): unknown {
    if (!this.memo.has(index)) this.fail(`memo entry ${index} was never stored`);
    return this.memo.get(index);
  }

  private global(module: string, name: string): void {
    this.push(this.hooks.findGlobal(module, name));
  }

  private reduce(): void {
    const args = this.pop();
    const callable = this.pop();
    if (!isPickleGlobal(callable) || !callable.call) this.fail('REDUCE on something that is not an allowed callable');
    if (!Array.isArray(args)) this.fail(`${callable.module}.${callable.name} called without an argument tuple`);
    this.push(callable.call(args));
  }

  private setItems(dict: unknown, items: unknown[]): void {
    if (!(dict instanceof Map)) this.fail('SETITEM(S) on something that is not a dict');
    if (items.length % 2) this.fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
  }

  private append(list: unknown, items: unknown[]): void {
    if (!Array.isArray(list)) this.fail('APPEND(S) on something that is not a list');
    list.push(...items);
  }

  /** Runs opcodes up to STOP; returns the pickled value and the offset after STOP. */
  run(): { value: unknown; end: number } {
    for (;;) {
      const at = this.pos;
      const op = this.u8();
      switch (op) {
        case 0x80: this.u8(); break; // PROTO
        case 0x95: this.u64(); break; // FRAME: a length hint only
        case 0x2e: { // STOP
          const value = this.pop();
          return { value, end: this.pos };
        }
        case 0x28: this.marks.push(this.stack); this.stack = []; break; // MARK
        case 0x4e: this.push(null); break; // NONE
        case 0x88: this.push(true); break; // NEWTRUE
        case 0x89: this.push(false); break; // NEWFALSE
        case 0x4b: this.push(this.u8()); break; // BININT1
        case 0x4d: this.push(this.u16()); break; // BININT2
        case 0x4a: this.push(this.i32()); break; // BININT
        case 0x8a: this.push(this.long(this.u8())); break; // LONG1
        case 0x8b: { // LONG4
          const length = this.i32();
          if (length < 0) this.fail('LONG4 with a negative length');
          this.push(this.long(length));
          break;
        }
        case 0x47: this.take(8); this.push(this.view.getFloat64(this.pos - 8, false)); break; // BINFLOAT
        case 0x58: this.push(this.text(this.u32())); break; // BINUNICODE
        case 0x8c: this.push(this.text(this.u8())); break; // SHORT_BINUNICODE
        case 0x8d: this.push(this.text(this.u64())); break; // BINUNICODE8
        case 0x55: this.push(latin1.decode(this.take(this.u8()))); break; // SHORT_BINSTRING (Python 2)
        case 0x54: { // BINSTRING (Python 2)
          const length = this.i32();
          if (length < 0) this.fail('BINSTRING with a negative length');
          this.push(latin1.decode(this.take(length)));
          break;
        }
        case 0x43: this.push(this.take(this.u8())); break; // SHORT_BINBYTES
        case 0x42: this.push(this.take(this.u32())); break; // BINBYTES
        case 0x8e: this.push(this.take(this.u64())); break; // BINBYTES8
        case 0x5d: this.push([]); break; // EMPTY_LIST
        case 0x29: this.push([]); break; // EMPTY_TUPLE
        case 0x7d: this.push(new Map()); break; // EMPTY_DICT
        case 0x74: this.push(this.popMark()); break; // TUPLE
        case 0x85: this.push([this.pop()]); break; // TUPLE1
        case 0x86: { const b = this.pop(); const a = this.pop(); this.push([a, b]); break; } // TUPLE2
        case 0x87: { const c = this.pop(); const b = this.pop(); const a = this.pop(); this.push([a, b, c]); break; } // TUPLE3
        case 0x6c: this.push(this.popMark()); break; // LIST
        case 0x64: { // DICT
          const dict = new Map();
          this.setItems(dict, this.popMark());
          this.push(dict);
          break;
        }
        case 0x61: { const item = this.pop(); this.append(this.top(), [item]); break; } // APPEND
        case 0x65: { const items = this.popMark(); this.append(this.top(), items); break; } // APPENDS
        case 0x73: { const value = this.pop(); const key = this.pop(); this.setItems(this.top(), [key, value]); break; } // SETITEM
        case 0x75: { const items = this.popMark(); this.setItems(this.top(), items); break; } // SETITEMS
        case 0x71: this.memo.set(this.u8(), this.top()); break; // BINPUT
        case 0x72: this.memo.set(this.u32(), this.top()); break; // LONG_BINPUT
        case 0x94: this.memo.set(this.memo.size, this.top()); break; // MEMOIZE
        case 0x68: this.push(this.memoGet(this.u8())); break; // BINGET
        case 0x6a: this.push(this.memoGet(this.u32())); break; // LONG_BINGET
        case 0x63: { const module = this.line(); this.global(module, this.line()); break; } // GLOBAL
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL without two strings');
          this.global(module, name);
          break;
        }
        case 0x52: this.reduce(); break; // REDUCE
        case 0x51: this.push(this.hooks.persistentLoad(this.pop())); break; // BINPERSID
        case 0x62: { // BUILD: only a dict's attributes (a state dict's _metadata), which are dropped
          const state = this.pop();
          if (!(this.top() instanceof Map) || !(state instanceof Map || state === null)) this.fail('BUILD on an object a weights file does not hold');
          break;
        }
        default:
          this.pos = at;
          this.fail(`opcode 0x${op.toString(16).padStart(2, '0')} is not one a weights file needs`);
      }
    }
  }
}

/** Reads one pickle starting at `start`; returns its value and the offset just after it. */
export function unpickle(bytes: Uint8Array, start: number, hooks: PickleHooks): { value: unknown; end: number } {
  return new Machine(bytes, start, hooks).run();
}
