// A temporary folder for the tests that build model or tokenizer folders on the fly.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs fn(dir) on a fresh temporary folder holding `files` (name -> contents: a Buffer or
 * string as they are, anything else as JSON), and removes the folder afterwards.
 */
export async function withFolder(files, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'albert-test-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), Buffer.isBuffer(content) || typeof content === 'string' ? content : JSON.stringify(content));
    }
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
