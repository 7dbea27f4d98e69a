// `albert-native bench DIR`: a quick throughput measurement of forward().
import { AlbertModel } from '../model/albert-model';
import { checkHead } from '../model/heads';
import { parseArgs, UsageError, type OptionSpec } from './args';
import { HELP_OPTION, MODEL_OPTIONS, modelOptions, takeModelDir } from './common';
import { commandHelp } from './help';
import type { CliIo } from './io';

const OPTIONS: OptionSpec[] = [
  { name: 'batch', kind: 'integer', value: 'N', description: 'sequences per forward (default 8)' },
  { name: 'seq', kind: 'integer', value: 'N', description: 'tokens per sequence (default 128, at most max_position_embeddings)' },
  { name: 'runs', kind: 'integer', value: 'N', description: 'timed forwards (default 5)' },
  { name: 'warmup', kind: 'integer', value: 'N', min: 0, description: 'untimed forwards first (default 1)' },
  { name: 'head', kind: 'string', value: 'HEAD', description: "run this head (default: the checkpoint's; 'base' for the encoder alone)" },
  { name: 'json', kind: 'boolean', description: 'print one JSON object instead of text' },
  ...MODEL_OPTIONS,
  HELP_OPTION,
];

export const BENCH_SUMMARY = 'measure forward() throughput (batch 8 x 128 tokens by default)';

/** Deterministic token ids in [5, vocab): no special tokens. */
function randomIds(count: number, vocab: number): Int32Array {
  const ids = new Int32Array(count);
  let s = 12345;
  for (let i = 0; i < count; ++i) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    ids[i] = 5 + (s % (vocab - 5));
  }
  return ids;
}

export async function runBench(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, OPTIONS);
  if (flags.help === true) {
    io.stdout.write(commandHelp('bench [--model] DIR [options]', `Loads the model and times a few forwards on random token ids: ${BENCH_SUMMARY}.`, OPTIONS));
    return 0;
  }
  const dir = takeModelDir(flags, positionals);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const head = typeof flags.head === 'string' ? checkHead(flags.head) : undefined;
  const model = await AlbertModel.fromPretrained(dir, { ...modelOptions(flags), ...(head ? { head } : {}) });
  try {
    const batch = typeof flags.batch === 'number' ? flags.batch : 8;
    const seq = Math.min(typeof flags.seq === 'number' ? flags.seq : 128, model.config.maxPositionEmbeddings);
    const runs = typeof flags.runs === 'number' ? flags.runs : 5;
    const warmup = typeof flags.warmup === 'number' ? flags.warmup : 1;
    const dims = model.head === 'multiple-choice' ? [batch, 1, seq] : [batch, seq];
    const inputs = { inputIds: { data: randomIds(batch * seq, model.config.vocabSize), dims } };
    for (let i = 0; i < warmup; ++i) await model.forward(inputs);
    const times: number[] = [];
    for (let i = 0; i < runs; ++i) {
      const start = performance.now();
      await model.forward(inputs);
      times.push(performance.now() - start);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / runs;
    const result = {
      model: dir, head: model.head, isa: model.isa, precision: model.precision, threads: model.threads,
      batch, seq, runs, warmup,
      msMean: mean, msMin: sorted[0], msMedian: sorted[Math.floor(runs / 2)],
      tokensPerSecond: (batch * seq) / (mean / 1000),
    };
    if (flags.json === true) {
      io.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      io.stdout.write([
        `${dir}: head '${model.head}', isa ${model.isa}, ${model.precision}, ${model.threads} threads`,
        `batch ${batch} x ${seq} tokens, ${runs} timed forwards after ${warmup} warm-up`,
        `  ${mean.toFixed(1)} ms per forward (min ${sorted[0].toFixed(1)}, median ${result.msMedian.toFixed(1)})`,
        `  ${Math.round(result.tokensPerSecond)} tokens/s`,
        '',
      ].join('\n'));
    }
    return 0;
  } finally {
    model.dispose();
  }
}
