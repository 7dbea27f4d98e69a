// Options every model-loading command shares, and where the model folder comes from.
import { ISAS } from '../cpu';
import { BF16_ROUNDINGS, PRECISIONS, type FromPretrainedOptions } from '../model/albert-model';
import { UsageError, type OptionSpec } from './args';

type Flags = Record<string, string | number | boolean>;

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', kind: 'boolean', description: 'show this help' };

export const MODEL_OPTIONS: readonly OptionSpec[] = [
  { name: 'model', kind: 'string', value: 'DIR', description: 'model folder (or give it as the first argument)' },
  { name: 'threads', kind: 'integer', value: 'N', description: 'threads (default: every core)' },
  { name: 'isa', kind: 'string', value: 'ISA', choices: ISAS, description: `${ISAS.join(', ')} (default: the best this CPU has)` },
  { name: 'precision', kind: 'string', value: 'P', choices: PRECISIONS, description: `${PRECISIONS.join(', ')} (default: fp32)` },
  { name: 'bf16-rounding', kind: 'string', value: 'R', choices: BF16_ROUNDINGS, description: 'with bf16: alternating (default) or nearest (half the shared weights\' memory)' },
];

/** --model DIR, else the first positional (removed from `positionals`). */
export function takeModelDir(flags: Flags, positionals: string[]): string {
  if (typeof flags.model === 'string') return flags.model;
  const dir = positionals.shift();
  if (dir === undefined) throw new UsageError('missing the model folder (--model DIR or the first argument)');
  return dir;
}

export function modelOptions(flags: Flags): FromPretrainedOptions {
  const options: FromPretrainedOptions = {};
  if (typeof flags.threads === 'number') options.threads = flags.threads;
  if (typeof flags.isa === 'string') options.isa = flags.isa as FromPretrainedOptions['isa'];
  if (typeof flags.precision === 'string') options.precision = flags.precision as FromPretrainedOptions['precision'];
  if (typeof flags['bf16-rounding'] === 'string') options.bf16Rounding = flags['bf16-rounding'] as FromPretrainedOptions['bf16Rounding'];
  return options;
}
