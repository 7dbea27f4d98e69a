// pipeline(task, dir, options): loads a model folder and returns the task's callable pipeline.
import { AlbertError } from '../errors';
import type { AlbertHead } from '../model/heads';
import type { PipelineTask } from './base';
import { featureExtractionPipeline, type FeatureExtractionPipeline } from './feature-extraction';
import { fillMaskPipeline, type FillMaskPipeline } from './fill-mask';
import { loadForTask, type Loaded, type PipelineOptions } from './load';
import { multipleChoicePipeline, type MultipleChoicePipeline } from './multiple-choice';
import { questionAnsweringPipeline, type QuestionAnsweringPipeline } from './question-answering';
import { sentenceOrderPipeline, type SentenceOrderPipeline } from './sentence-order';
import { textClassificationPipeline, type TextClassificationPipeline } from './text-classification';
import { tokenClassificationPipeline, type TokenClassificationPipeline } from './token-classification';

/** The pipeline type each task name gives. */
export interface PipelineTypes {
  'fill-mask': FillMaskPipeline;
  'text-classification': TextClassificationPipeline;
  'token-classification': TokenClassificationPipeline;
  'question-answering': QuestionAnsweringPipeline;
  'feature-extraction': FeatureExtractionPipeline;
  'sentence-order': SentenceOrderPipeline;
  'multiple-choice': MultipleChoicePipeline;
}

interface TaskSpec {
  /** Heads the task runs on, preferred first. */
  heads: readonly AlbertHead[];
  /** Any checkpoint works: use the first head when it loads, else the checkpoint's own. */
  anyHead?: boolean;
  build(loaded: Loaded): PipelineTypes[PipelineTask];
}

const TASKS: Record<PipelineTask, TaskSpec> = {
  'fill-mask': { heads: ['masked-lm', 'pretraining'], build: fillMaskPipeline },
  'text-classification': { heads: ['sequence-classification'], build: textClassificationPipeline },
  'token-classification': { heads: ['token-classification'], build: tokenClassificationPipeline },
  'question-answering': { heads: ['question-answering'], build: questionAnsweringPipeline },
  'feature-extraction': { heads: ['base'], anyHead: true, build: featureExtractionPipeline },
  'sentence-order': { heads: ['pretraining'], build: sentenceOrderPipeline },
  'multiple-choice': { heads: ['multiple-choice'], build: multipleChoicePipeline },
};

/** Every task name `pipeline()` accepts. */
export const PIPELINE_TASKS = Object.keys(TASKS) as PipelineTask[];

/**
 * Loads the model folder `dir` (config.json, model.safetensors or pytorch_model.bin, spiece.model or tokenizer.json) for `task`
 * and returns the pipeline: an async function taking one input or an array of inputs.
 * Throws AlbertError ERR_CONFIG when the checkpoint's head cannot do the task, ERR_NOT_FOUND
 * for missing files. Call `dispose()` on the result to free the model at once.
 */
export async function pipeline<T extends PipelineTask>(task: T, dir: string, options: PipelineOptions = {}): Promise<PipelineTypes[T]> {
  if (typeof task !== 'string' || !Object.prototype.hasOwnProperty.call(TASKS, task)) {
    throw new AlbertError('ERR_CONFIG', `unknown task ${JSON.stringify(task)} (expected one of ${PIPELINE_TASKS.join(', ')})`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`pipeline('${task}', dir, options): options must be an object`);
  const spec = TASKS[task];
  const loaded = await loadForTask(task, dir, options, spec.heads, spec.anyHead === true);
  return spec.build(loaded) as PipelineTypes[T];
}
