// Which Hugging Face head class a checkpoint is, and what each head outputs.
import { AlbertError } from '../errors';

export type AlbertHead =
  | 'base'
  | 'masked-lm'
  | 'pretraining'
  | 'sequence-classification'
  | 'token-classification'
  | 'question-answering'
  | 'multiple-choice';

export const HEADS: readonly AlbertHead[] = [
  'base', 'masked-lm', 'pretraining', 'sequence-classification', 'token-classification',
  'question-answering', 'multiple-choice',
];

const ARCHITECTURES: Record<string, AlbertHead> = {
  AlbertModel: 'base',
  AlbertForMaskedLM: 'masked-lm',
  AlbertForPreTraining: 'pretraining',
  AlbertForSequenceClassification: 'sequence-classification',
  AlbertForTokenClassification: 'token-classification',
  AlbertForQuestionAnswering: 'question-answering',
  AlbertForMultipleChoice: 'multiple-choice',
};

/** The head named by config.architectures (first known entry), or 'base'. */
export function headFromArchitectures(architectures: string[]): AlbertHead {
  for (const a of architectures) if (a in ARCHITECTURES) return ARCHITECTURES[a];
  return 'base';
}

export function checkHead(head: unknown): AlbertHead {
  if (typeof head !== 'string' || !(HEADS as readonly string[]).includes(head)) {
    throw new AlbertError('ERR_CONFIG', `unknown head ${JSON.stringify(head)} (expected one of ${HEADS.join(', ')})`);
  }
  return head as AlbertHead;
}

export function headHasPooler(head: AlbertHead): boolean {
  return head === 'base' || head === 'pretraining' || head === 'sequence-classification' || head === 'multiple-choice';
}
