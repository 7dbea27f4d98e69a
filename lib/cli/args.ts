// A small command-line parser: --name value, --name=value, boolean flags, `--` and positionals.

/** Thrown for bad command lines; the CLI prints it with a hint and exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionKind = 'string' | 'integer' | 'boolean';

export interface OptionSpec {
  name: string;
  kind: OptionKind;
  /** One-letter alias (e.g. 'h' for help). */
  short?: string;
  /** Smallest value of an integer option (default 1). */
  min?: number;
  /** Allowed values of a string option. */
  choices?: readonly string[];
  /** For help output: the value's placeholder, e.g. 'N' or 'DIR'. */
  value?: string;
  description: string;
}

export interface ParsedArgs {
  flags: Record<string, string | number | boolean>;
  positionals: string[];
}

function convert(spec: OptionSpec, raw: string): string | number {
  if (spec.kind === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) {
      throw new UsageError(`--${spec.name} must be one of ${spec.choices.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw;
  }
  const n = Number(raw);
  const min = spec.min ?? 1;
  if (raw.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${spec.name} needs an integer >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** Parses `argv` against `specs`; unknown options and missing values throw UsageError. */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = arg.indexOf('=');
    const key = long ? arg.slice(2, eq > 0 ? eq : undefined) : arg.slice(1);
    const spec = long ? byName.get(key) : byShort.get(key);
    if (!spec) throw new UsageError(`unknown option ${long ? `--${key}` : arg}`);
    if (spec.kind === 'boolean') {
      if (long && eq > 0) throw new UsageError(`--${spec.name} takes no value`);
      flags[spec.name] = true;
      continue;
    }
    let raw: string | undefined;
    if (long && eq > 0) raw = arg.slice(eq + 1);
    else if (i + 1 < argv.length) raw = argv[++i];
    if (raw === undefined) throw new UsageError(`--${spec.name} needs a value`);
    flags[spec.name] = convert(spec, raw);
  }
  return { flags, positionals };
}

/** Help lines for `specs`, aligned. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const heads = specs.map((s) => `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.value ? ` ${s.value}` : ''}`);
  const width = Math.max(...heads.map((h) => h.length));
  return specs.map((s, i) => `  ${heads[i].padEnd(width)}  ${s.description}`).join('\n');
}
