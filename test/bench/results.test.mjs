// bench/results.mjs: each benchmark script's --record replaces only its own section of
// RESULTS.md, keeping its ### subsections together and every other section as it was.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { cpuModel, recordSection } from '../../bench/results.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'albert-results-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const BEFORE = [
  '# Benchmark results', '', 'Intro.', '',
  '## GEMM', '', 'old gemm', '', '### Detail', '', 'old detail', '',
  '## GEMM, avx2 kernel', '', 'old avx2', '',
  '## Tokenizer', '', 'tokenizer text', '',
].join('\n');

test('recordSection replaces the section with the same title, up to the next ## heading', () => {
  const file = join(tmp, 'replace.md');
  writeFileSync(file, BEFORE);
  recordSection('## GEMM\n\nnew gemm\n\n### Detail\n\nnew detail\n', file);
  const text = readFileSync(file, 'utf8');
  assert.not.match(text, /old gemm|old detail/);
  assert.match(text, /## GEMM\n\nnew gemm\n\n### Detail\n\nnew detail\n\n## GEMM, avx2 kernel\n\nold avx2/);
  assert.match(text, /^# Benchmark results\n\nIntro\.\n\n## GEMM\n/);
  assert.match(text, /## Tokenizer\n\ntokenizer text\n$/);
});

test('recordSection tells "## GEMM" from "## GEMM, avx2 kernel" and appends a new title at the end', () => {
  const file = join(tmp, 'append.md');
  writeFileSync(file, BEFORE);
  recordSection('## GEMM, avx2 kernel\n\nnew avx2', file);
  recordSection('## Vector kernels\n\nkernels', file);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /## GEMM\n\nold gemm/);
  assert.match(text, /## GEMM, avx2 kernel\n\nnew avx2\n\n## Tokenizer/);
  assert.ok(text.endsWith('tokenizer text\n\n## Vector kernels\n\nkernels\n'), JSON.stringify(text.slice(-60)));
  recordSection('## Vector kernels\n\nkernels again\n', file);
  assert.is(readFileSync(file, 'utf8').match(/## Vector kernels/g).length, 1);
});

test('recordSection starts a results file where there is none', () => {
  const file = join(tmp, 'new.md');
  recordSection('## GEMM\n\nfirst\n', file);
  assert.is(readFileSync(file, 'utf8'), '# Benchmark results\n\n## GEMM\n\nfirst\n');
});

test('cpuModel names the CPU', () => {
  assert.type(cpuModel(), 'string');
  assert.ok(cpuModel().length > 0);
});

test.run();
