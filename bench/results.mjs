// What every benchmark script shares: the machine it ran on, and writing its section of
// bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');

/** lscpu's fields ("Model name", "CPU(s)", ...), or {} where lscpu is missing. */
export function readLscpu() {
  try {
    const text = execFileSync('lscpu', { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    return Object.fromEntries(text.split('\n').map((l) => l.split(/:\s+/, 2)).filter((kv) => kv.length === 2).map(([k, v]) => [k.trim(), v.trim()]));
  } catch {
    return {};
  }
}

/** The CPU's model name. */
export function cpuModel() {
  return readLscpu()['Model name'] ?? os.cpus()[0]?.model ?? 'unknown';
}

/**
 * Puts `section` (its first line is its "## Title") into RESULTS.md in place of the section
 * of that title, up to the next "## " heading, or at the end when there is none yet.
 */
export function recordSection(section, file = RESULTS_FILE) {
  const title = section.split('\n', 1)[0].trim();
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === title);
  let updated;
  if (start === -1) {
    updated = `${text.replace(/\n*$/, '\n\n')}${section}`;
  } else {
    let end = lines.findIndex((l, i) => i > start && /^##?\s/.test(l));
    if (end === -1) end = lines.length;
    const before = lines.slice(0, start).join('\n');
    const after = lines.slice(end).join('\n');
    updated = `${before}${before ? '\n' : ''}${section.replace(/\n*$/, '\n')}${after ? `\n${after}` : ''}`;
  }
  fs.writeFileSync(file, updated.replace(/\n*$/, '\n'));
  return path.relative(process.cwd(), file);
}
