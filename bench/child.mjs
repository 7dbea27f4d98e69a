// Runs a benchmark step in a fresh `node` process, so that nothing this process holds (other
// engines, earlier passes) is counted in its memory or time, and returns the JSON object the
// step prints as its last line of output.
import { spawnSync } from 'node:child_process';

export function runJsonChild(script, args, label) {
  const child = spawnSync(process.execPath, [script, ...args.map(String)], { encoding: 'utf8', timeout: 300_000 });
  if (child.status !== 0) throw new Error(`${label} failed: ${child.error ?? child.stderr.trim()}`);
  return JSON.parse(child.stdout.trim().split('\n').pop());
}
