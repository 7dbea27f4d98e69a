// Public task-level API: pipeline() and the types of each task's inputs, options and results.
export { pipeline, PIPELINE_TASKS } from './pipeline';
export type { PipelineTypes } from './pipeline';
export type { PipelineOptions } from './load';
export type { BatchOptions, MappingPipeline, PipelineBase, PipelineTask } from './base';
export type { FillMaskOptions, FillMaskOutput, FillMaskPipeline, FillMaskResult } from './fill-mask';
export type {
  ClassificationFunction, TextClassificationInput, TextClassificationOptions, TextClassificationPipeline,
  TextClassificationResult,
} from './text-classification';
export type {
  AggregationStrategy, EntityGroup, TokenClassificationOptions, TokenClassificationOutput, TokenClassificationPipeline,
  TokenEntity,
} from './token-classification';
export type {
  QuestionAnsweringInput, QuestionAnsweringOptions, QuestionAnsweringOutput, QuestionAnsweringPipeline,
  QuestionAnsweringResult,
} from './question-answering';
export type { FeatureExtractionOptions, FeatureExtractionPipeline, Pooling } from './feature-extraction';
export type { SentenceOrderInput, SentenceOrderOptions, SentenceOrderPipeline, SentenceOrderResult } from './sentence-order';
export type { MultipleChoiceInput, MultipleChoiceOptions, MultipleChoicePipeline, MultipleChoiceResult } from './multiple-choice';
