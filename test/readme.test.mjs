// The README's examples are real: each file in examples/ appears verbatim in README.md and
// runs without error from the repository root.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

for (const name of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.mjs'))) {
  test(`README example ${name} is in the README and runs`, () => {
    const code = readFileSync(join(root, 'examples', name), 'utf8').trim();
    assert.ok(readme.includes(code), `README.md does not contain examples/${name} verbatim`);
    const run = spawnSync(process.execPath, [join('examples', name)], { cwd: root, encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
  });
}

test.run();
