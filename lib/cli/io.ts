// Streams the CLI reads and writes, JSONL input, ordered streaming output and progress.
import { createInterface } from 'node:readline';

/** The process streams, replaceable in tests. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Writes a line, waiting for 'drain' when the stream's buffer is full. */
export async function writeLine(out: NodeJS.WritableStream, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

/** One input: its 1-based line number (0 for arguments) and value. */
export interface InputRecord {
  line: number;
  value: unknown;
  /** Set when the line is not valid JSON. */
  error?: string;
}

/** Non-empty stdin lines parsed as JSON. */
export async function* readJsonLines(stdin: NodeJS.ReadableStream): AsyncGenerator<InputRecord> {
  const lines = createInterface({ input: stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n += 1;
    if (text.trim() === '') continue;
    try {
      yield { line: n, value: JSON.parse(text) as unknown };
    } catch (error) {
      yield { line: n, value: undefined, error: `not valid JSON (${(error as Error).message})` };
    }
  }
}

/** Shows "N done" on a TTY stderr, at most every 100 ms; a no-op otherwise. */
export class Progress {
  #count = 0;
  #last = 0;
  readonly #stderr: CliIo['stderr'];
  readonly #enabled: boolean;

  constructor(stderr: CliIo['stderr']) {
    this.#stderr = stderr;
    this.#enabled = stderr.isTTY === true;
  }

  tick(): void {
    this.#count += 1;
    const now = Date.now();
    if (!this.#enabled || now - this.#last < 100) return;
    this.#last = now;
    this.#stderr.write(`\r${this.#count} done`);
  }

  done(): void {
    if (this.#enabled && this.#last > 0) this.#stderr.write('\r\x1b[K');
  }
}

/**
 * Runs `work` on each input with up to `window` in flight and writes the results in input
 * order, each as soon as it and everything before it are ready (also while more input is
 * still to come). `work` must not reject; a failing `write` stops the run and is rethrown.
 */
export async function streamOrdered<T>(
  inputs: AsyncIterable<T> | Iterable<T>, work: (input: T) => Promise<string>, write: (line: string) => Promise<void>, window: number,
): Promise<void> {
  const queue: Array<Promise<string>> = [];
  let inputDone = false;
  // Resolvers of whoever waits: the writer for new input, the reader for a free slot.
  const waiting: { input?: () => void; slot?: () => void } = {};
  const release = (key: 'input' | 'slot') => {
    const resolve = waiting[key];
    waiting[key] = undefined;
    resolve?.();
  };
  let failed = false;
  let failure: unknown;
  const writer = (async () => {
    for (;;) {
      if (queue.length === 0) {
        if (inputDone) return;
        await new Promise<void>((resolve) => { waiting.input = resolve; });
        continue;
      }
      await write(await queue[0]);
      queue.shift();
      release('slot');
    }
  })().catch((error: unknown) => {
    failed = true;
    failure = error;
    release('slot');
  });
  try {
    for await (const input of inputs) {
      while (queue.length >= window && !failed) await new Promise<void>((resolve) => { waiting.slot = resolve; });
      if (failed) break;
      queue.push(work(input));
      release('input');
    }
  } finally {
    inputDone = true;
    release('input');
  }
  await writer;
  if (failed) throw failure;
}
