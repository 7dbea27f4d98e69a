// `albert-native info DIR`: config summary, parameter counts, layer schedule, CPU path.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { cpuInfo } from '../cpu';
import { readConfig } from '../model/albert-model';
import { groupOfLayer, type AlbertConfig } from '../model/config';
import { checkHead, headFromArchitectures, type AlbertHead } from '../model/heads';
import { expectedTensors } from '../model/weights';
import { WEIGHTS_FILES } from '../model/weights-file';
import { AlbertTokenizer, TOKENIZER_FILES } from '../tokenizer/albert-tokenizer';
import { parseArgs, UsageError } from './args';
import { HELP_OPTION, takeModelDir } from './common';
import { commandHelp } from './help';
import type { CliIo } from './io';

const OPTIONS = [
  { name: 'model', kind: 'string' as const, value: 'DIR', description: 'model folder (or give it as the first argument)' },
  { name: 'head', kind: 'string' as const, value: 'HEAD', description: 'count parameters for this head instead of the checkpoint\'s' },
  { name: 'json', kind: 'boolean' as const, description: 'print one JSON object instead of text' },
  HELP_OPTION,
];

export const INFO_SUMMARY = 'describe a model folder: config, parameters, shared-layer schedule, CPU path';

/** Parameter counts: each stored weight once, and with every layer application counted. */
export function countParameters(config: AlbertConfig, head: AlbertHead): { distinct: number; effective: number; perLayer: number } {
  let distinct = 0;
  let perLayer = 0;
  for (const [name, shape] of expectedTensors(config, head)) {
    const size = shape.reduce((a, b) => a * b, 1);
    distinct += size;
    if (name.startsWith('encoder.albert_layer_groups.0.albert_layers.0.')) perLayer += size;
  }
  const stored = config.numHiddenGroups * config.innerGroupNum;
  const applied = config.numHiddenLayers * config.innerGroupNum;
  return { distinct, effective: distinct + (applied - stored) * perLayer, perLayer };
}

/** Layer i -> the group it runs and that group's inner layers, as HF's AlbertTransformer does. */
export function layerSchedule(config: AlbertConfig): Array<{ layer: number; group: number; innerLayers: number }> {
  return Array.from({ length: config.numHiddenLayers }, (_, layer) => ({ layer, group: groupOfLayer(config, layer), innerLayers: config.innerGroupNum }));
}

function millions(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} K`;
}

async function describe(dir: string, headOption: string | undefined) {
  const config = await readConfig(dir);
  const head = headOption === undefined ? headFromArchitectures(config.architectures) : checkHead(headOption);
  const tokenizerFile = TOKENIZER_FILES.find((f) => existsSync(join(dir, f))) ?? null;
  const tokenizer = tokenizerFile ? await AlbertTokenizer.fromPretrained(dir) : null;
  const weightsFile = WEIGHTS_FILES.find((f) => existsSync(join(dir, f))) ?? null;
  return {
    model: dir,
    weights: weightsFile,
    architectures: config.architectures,
    head,
    config: {
      vocabSize: config.vocabSize, embeddingSize: config.embeddingSize, hiddenSize: config.hiddenSize,
      numHiddenLayers: config.numHiddenLayers, numHiddenGroups: config.numHiddenGroups, innerGroupNum: config.innerGroupNum,
      numAttentionHeads: config.numAttentionHeads, intermediateSize: config.intermediateSize, hiddenAct: config.hiddenAct,
      maxPositionEmbeddings: config.maxPositionEmbeddings, positionEmbeddingType: config.positionEmbeddingType,
    },
    labels: Object.keys(config.id2label).length > 0 ? config.id2label : null,
    problemType: config.problemType,
    parameters: countParameters(config, head),
    schedule: layerSchedule(config),
    tokenizer: tokenizer && { file: tokenizerFile, vocabSize: tokenizer.vocabSize, modelMaxLength: tokenizer.modelMaxLength },
    cpu: cpuInfo(),
  };
}

function toText(d: Awaited<ReturnType<typeof describe>>): string {
  const c = d.config;
  const p = d.parameters;
  const groups = (g: number) => d.schedule.filter((s) => s.group === g).map((s) => s.layer);
  const lines = [
    `model        ${d.model}`,
    `weights      ${d.weights ?? `none (none of ${WEIGHTS_FILES.join(', ')})`}`,
    `architecture ${d.architectures.join(', ') || '(none)'} -> head '${d.head}'`,
    `sizes        vocab ${c.vocabSize}, embedding ${c.embeddingSize}, hidden ${c.hiddenSize}, ffn ${c.intermediateSize}, ${c.numAttentionHeads} attention heads`,
    `             ${c.numHiddenLayers} layers, ${c.numHiddenGroups} group(s) x ${c.innerGroupNum} inner layer(s), ${c.hiddenAct}, ${c.positionEmbeddingType} positions, max ${c.maxPositionEmbeddings} tokens`,
  ];
  if (d.labels) lines.push(`labels       ${Object.entries(d.labels).map(([i, l]) => `${i}=${l}`).join(', ')}${d.problemType ? ` (${d.problemType})` : ''}`);
  lines.push(
    `parameters   ${millions(p.distinct)} distinct (${p.distinct}); ${millions(p.effective)} effective (${p.effective}) with the shared layers unrolled`,
    `schedule     layer -> group (each group runs its ${c.innerGroupNum} inner layer(s) in order):`,
    ...d.schedule.map((s) => `               layer ${String(s.layer).padStart(2)} -> group ${s.group}`),
    `             group(s) reused: ${Array.from({ length: c.numHiddenGroups }, (_, g) => `group ${g} x${groups(g).length}`).join(', ')}`,
    `tokenizer    ${d.tokenizer ? `${d.tokenizer.file}, ${d.tokenizer.vocabSize} pieces, max ${d.tokenizer.modelMaxLength} tokens` : `none (no ${TOKENIZER_FILES.join(' or ')})`}`,
    `cpu          isa ${d.cpu.defaultIsa} (supported: ${d.cpu.supportedIsas.join(', ')}); bf16 ${d.cpu.bf16Path ? `${d.cpu.bf16Path} (supported: ${d.cpu.supportedBf16Paths.join(', ')})` : 'no'}; int8 vector kernels ${d.cpu.int8Isas.length ? d.cpu.int8Isas.join(', ') : 'none (isa scalar only)'}`,
  );
  return `${lines.join('\n')}\n`;
}

export async function runInfo(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, OPTIONS);
  if (flags.help === true) {
    io.stdout.write(commandHelp('info [--model] DIR [options]', `Describes a model folder: ${INFO_SUMMARY}.`, OPTIONS));
    return 0;
  }
  const dir = takeModelDir(flags, positionals);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const d = await describe(dir, typeof flags.head === 'string' ? flags.head : undefined);
  io.stdout.write(flags.json === true ? `${JSON.stringify(d, null, 2)}\n` : toText(d));
  return 0;
}
