// Runs the whole uvu suite (every test/**/*.test.mjs, one process) and ends with the line
// "N passed, N failed" that CI reads. Extra arguments filter test files by substring.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.mjs')) out.push(path);
  }
  return out;
}

const files = findTests(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));

let passed = 0;
let failed = 0;
for (const file of files) {
  // One process per file: a crash in one file cannot hide the results of the others, and
  // each file's native state (ISA choice, thread pools) starts clean.
  const run = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  process.stdout.write(`\n# ${file}\n${run.stdout}`);
  if (run.stderr) process.stderr.write(run.stderr);
  const total = Number(/Total:\s+(\d+)/.exec(run.stdout)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(run.stdout)?.[1] ?? NaN);
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    console.log(`  ${file} did not finish (exit ${run.status}, signal ${run.signal ?? 'none'})`);
    failed += 1;
    continue;
  }
  passed += ok;
  failed += total - ok;
  if (run.status !== 0 && total === ok) failed += 1;  // exited non-zero after its tests
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && files.length > 0 ? 0 : 1);
