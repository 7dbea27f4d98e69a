// Help texts for the tool and each command.
import { formatOptions, type OptionSpec } from './args';
import type { TaskCommand } from './tasks';

export interface CommandHelp {
  name: string;
  summary: string;
}

export function toolHelp(commands: readonly CommandHelp[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: albert-native <command> [options]

Runs ALBERT models from Hugging Face folders (config.json, model.safetensors or pytorch_model.bin,
spiece.model or tokenizer.json).

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Task commands take texts as arguments, or read JSON Lines on stdin (one input per line) and
write one JSON line per input, in order, as soon as it is ready.

Run 'albert-native <command> --help' for a command's options.
`;
}

export function taskHelp(cmd: TaskCommand, options: readonly OptionSpec[]): string {
  return `Usage: albert-native ${cmd.name} [--model] DIR ${cmd.args} [options]

${cmd.summary[0].toUpperCase()}${cmd.summary.slice(1)} (pipeline '${cmd.task}').
Without text arguments, reads JSON Lines from stdin: ${cmd.jsonInput} per line.
Writes one JSON line per input; a failed input gives {"error": "..."} and exit status 1.

Options:
${formatOptions(options)}
`;
}

export function commandHelp(usage: string, description: string, options: readonly OptionSpec[]): string {
  return `Usage: albert-native ${usage}

${description}

Options:
${formatOptions(options)}
`;
}
