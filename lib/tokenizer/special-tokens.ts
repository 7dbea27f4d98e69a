/**
 * Special tokens written literally in the text ("the [MASK] is") are atomic, as in HF
 * (its added-tokens trie): the text is cut at them and each piece of text in between is
 * tokenized on its own. Like HF's AlbertTokenizer, whose mask token is
 * AddedToken("[MASK]", lstrip=True), whitespace directly before [MASK] is dropped;
 * with remove_space on (the default) that only changes offsets, not ids.
 */
import { flags, SPACE } from './unicode';

export interface Segment {
  start: number;
  end: number;
  /** Id of the special token this segment is, or -1 for ordinary text. */
  specialId: number;
}

export class SpecialTokenSplitter {
  private readonly pattern: RegExp | null;

  constructor(
    private readonly ids: ReadonlyMap<string, number>,
    private readonly lstrip: ReadonlySet<string>,
  ) {
    // Longest first, so that a token that is a prefix of another never wins.
    const literals = [...ids.keys()].filter((t) => t.length > 0).sort((x, y) => y.length - x.length);
    this.pattern = literals.length === 0 ? null
      : new RegExp(literals.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  }

  split(text: string): Segment[] {
    if (this.pattern === null) return [{ start: 0, end: text.length, specialId: -1 }];
    const out: Segment[] = [];
    let last = 0;
    this.pattern.lastIndex = 0;
    for (let m = this.pattern.exec(text); m !== null; m = this.pattern.exec(text)) {
      let end = m.index;
      if (this.lstrip.has(m[0])) end = trimEndPythonSpace(text, last, end);
      if (end > last) out.push({ start: last, end, specialId: -1 });
      out.push({ start: m.index, end: m.index + m[0].length, specialId: this.ids.get(m[0])! });
      last = m.index + m[0].length;
    }
    if (last < text.length || out.length === 0) out.push({ start: last, end: text.length, specialId: -1 });
    return out;
  }
}

function trimEndPythonSpace(text: string, start: number, end: number): number {
  const f = flags();
  while (end > start && (f[text.charCodeAt(end - 1)] & SPACE) !== 0) end--;
  return end;
}
