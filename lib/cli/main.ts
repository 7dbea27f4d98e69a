// The albert-native command line tool (bin/albert-native.js calls main()).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { UsageError } from './args';
import { BENCH_SUMMARY, runBench } from './bench';
import { toolHelp, type CommandHelp } from './help';
import { INFO_SUMMARY, runInfo } from './info';
import type { CliIo } from './io';
import { runTask } from './run-task';
import { TASK_COMMANDS } from './tasks';

type Runner = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: ReadonlyArray<CommandHelp & { run: Runner }> = [
  ...TASK_COMMANDS.map((cmd) => ({ name: cmd.name, summary: cmd.summary, run: (argv: readonly string[], io: CliIo) => runTask(cmd, argv, io) })),
  { name: 'info', summary: INFO_SUMMARY, run: runInfo },
  { name: 'bench', summary: BENCH_SUMMARY, run: runBench },
];

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function processIo(): CliIo {
  // `albert-native ... | head`: a closed pipe ends the run quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/**
 * Runs the tool with `argv` (without node and the script) and resolves to the exit status:
 * 0 success, 1 failure (including any input that failed), 2 bad command line. Errors are
 * reported as one line on stderr, `albert-native: <message>`; set ALBERT_NATIVE_DEBUG=1 for
 * the stack.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      io.stderr.write(toolHelp(COMMANDS));
      return 2;
    }
    if (name === '--help' || name === '-h') {
      io.stdout.write(toolHelp(COMMANDS));
      return 0;
    }
    if (name === '--version' || name === '-v') {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (name === 'help') return rest.length === 0 ? main(['--help'], io) : main([rest[0], '--help'], io);
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command '${name}'`);
    return await command.run(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      const help = COMMANDS.some((c) => c.name === name) ? `albert-native ${name} --help` : 'albert-native --help';
      io.stderr.write(`albert-native: ${message} (see '${help}')\n`);
      return 2;
    }
    io.stderr.write(`albert-native: ${message}\n`);
    if (process.env.ALBERT_NATIVE_DEBUG) io.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    return 1;
  }
}
