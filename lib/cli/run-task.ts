// Runs a task command: load the pipeline, feed it arguments or JSONL, stream JSONL out.
import { pipeline } from '../pipelines/pipeline';
import { parseArgs, UsageError } from './args';
import { HELP_OPTION, MODEL_OPTIONS, modelOptions, takeModelDir } from './common';
import { taskHelp } from './help';
import { Progress, readJsonLines, streamOrdered, writeLine, type CliIo, type InputRecord } from './io';
import type { TaskCommand } from './tasks';

/** Inputs in flight at once; the model batches concurrent forwards. */
const IN_FLIGHT = 8;

export async function runTask(cmd: TaskCommand, argv: readonly string[], io: CliIo): Promise<number> {
  const specs = [...cmd.options, ...MODEL_OPTIONS, HELP_OPTION];
  const { flags, positionals } = parseArgs(argv, specs);
  if (flags.help === true) {
    io.stdout.write(taskHelp(cmd, specs));
    return 0;
  }
  const dir = takeModelDir(flags, positionals);
  const callOptions = cmd.callOptions(flags);
  const fromArgs = cmd.fromArgs(positionals, flags);
  if (fromArgs.length === 0 && io.stdin.isTTY === true) {
    throw new UsageError(`no input: give ${cmd.args} arguments or pipe JSON Lines on stdin`);
  }
  const run = await pipeline(cmd.task, dir, modelOptions(flags)) as unknown as
    ((input: unknown, options: Record<string, unknown>) => Promise<unknown>) & { dispose(): void };
  const records: Iterable<InputRecord> | AsyncIterable<InputRecord> = fromArgs.length > 0
    ? fromArgs.map((value, i) => ({ line: i + 1, value }))
    : readJsonLines(io.stdin);
  const where = fromArgs.length > 0 ? 'argument input' : 'line';
  let failures = 0;
  const work = async (record: InputRecord): Promise<string> => {
    try {
      if (record.error !== undefined) throw new Error(record.error);
      const input = fromArgs.length > 0 ? record.value : cmd.fromJson(record.value);
      return JSON.stringify(cmd.toJson(await run(input, callOptions)));
    } catch (error) {
      failures += 1;
      const message = (error as Error).message;
      io.stderr.write(`albert-native: ${where} ${record.line}: ${message}\n`);
      return JSON.stringify({ error: message });
    }
  };
  const progress = new Progress(io.stderr);
  try {
    await streamOrdered(records, work, async (line) => {
      await writeLine(io.stdout, line);
      progress.tick();
    }, IN_FLIGHT);
  } finally {
    progress.done();
    run.dispose();
  }
  return failures > 0 ? 1 : 0;
}
