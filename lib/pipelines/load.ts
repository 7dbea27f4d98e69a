// Loading the model + tokenizer pair a pipeline runs on, and checking the head fits the task.
import { stat } from 'node:fs/promises';

import { AlbertError } from '../errors';
import { AlbertModel, readConfig, type FromPretrainedOptions } from '../model/albert-model';
import { headFromArchitectures, type AlbertHead } from '../model/heads';
import { AlbertTokenizer, type AlbertTokenizerOptions } from '../tokenizer/albert-tokenizer';

/** Options of `pipeline()`: everything `AlbertModel.fromPretrained` and `AlbertTokenizer.fromPretrained` take. */
export interface PipelineOptions extends FromPretrainedOptions, AlbertTokenizerOptions {
  /** Use this already-loaded tokenizer instead of loading the folder's spiece.model or tokenizer.json. */
  tokenizer?: AlbertTokenizer;
}

export interface Loaded {
  model: AlbertModel;
  tokenizer: AlbertTokenizer;
}

/** The head config.json's `architectures` names, or null when config.json cannot be read (fromPretrained then reports why). */
async function checkpointHead(dir: string): Promise<AlbertHead | null> {
  try {
    return headFromArchitectures((await readConfig(dir)).architectures);
  } catch {
    return null;
  }
}

function describe(heads: readonly AlbertHead[]): string {
  return heads.length === 1 ? `a ${heads[0]} head` : `a ${heads.slice(0, -1).join(', ')} or ${heads[heads.length - 1]} head`;
}

function wrongHead(task: string, heads: readonly AlbertHead[], dir: string, got: AlbertHead): AlbertError {
  return new AlbertError('ERR_CONFIG', `task '${task}' needs ${describe(heads)}, but ${dir} is a ${got} checkpoint`);
}

/**
 * Loads tokenizer and model for `task`. `heads` lists the heads the task can use, preferred
 * first; `fallbackToCheckpoint` lets a task that only needs the encoder (feature extraction)
 * run on whatever head the checkpoint has when the preferred one cannot be built from it.
 */
export async function loadForTask(
  task: string, dir: string, options: PipelineOptions, heads: readonly AlbertHead[], fallbackToCheckpoint = false,
): Promise<Loaded> {
  if (typeof dir !== 'string') throw new TypeError(`pipeline('${task}', dir): dir must be a string, got ${dir === null ? 'null' : typeof dir}`);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new AlbertError('ERR_NOT_FOUND', `model folder not found: ${dir}`);
  const { tokenizer: given, doLowerCase, keepAccents, removeSpace, modelMaxLength, cleanUpTokenizationSpaces, ...modelOptions } = options;
  // Names every AlbertTokenizerOptions key, or this fails to compile: a key added to the
  // tokenizer but not taken out above would go to the model's options and be ignored.
  const tokenizerOptions = { doLowerCase, keepAccents, removeSpace, modelMaxLength, cleanUpTokenizationSpaces } satisfies
    Record<keyof AlbertTokenizerOptions, unknown>;
  const fromFile = await checkpointHead(dir);
  let head: AlbertHead;
  if (modelOptions.head !== undefined) {
    if (!fallbackToCheckpoint && !heads.includes(modelOptions.head)) throw wrongHead(task, heads, dir, modelOptions.head);
    head = modelOptions.head;
  } else if (fromFile !== null && heads.includes(fromFile)) {
    head = fromFile;
  } else if (fromFile !== null && !fallbackToCheckpoint) {
    throw wrongHead(task, heads, dir, fromFile);
  } else {
    head = heads[0];
  }
  const tokenizer = given ?? await AlbertTokenizer.fromPretrained(dir, tokenizerOptions);
  let model: AlbertModel;
  try {
    model = await AlbertModel.fromPretrained(dir, { ...modelOptions, head });
  } catch (error) {
    const canFallBack = fallbackToCheckpoint && modelOptions.head === undefined && fromFile !== null && fromFile !== head;
    if (!(canFallBack && error instanceof AlbertError && error.code === 'ERR_WEIGHTS')) throw error;
    model = await AlbertModel.fromPretrained(dir, { ...modelOptions, head: fromFile });
  }
  if (tokenizer.vocabSize > model.config.vocabSize) {
    model.dispose();
    throw new AlbertError('ERR_CONFIG', `${dir}: the tokenizer has ${tokenizer.vocabSize} pieces but the model's vocab_size is ${model.config.vocabSize}`);
  }
  return { model, tokenizer };
}
