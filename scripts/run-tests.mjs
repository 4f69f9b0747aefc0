// Runs every compiled test file (dist/**/*.test.js) with Node's own test runner.
// Arguments narrow the run: `npm test -- parsers` runs the files whose path contains "parsers".
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.test.js')) yield path;
  }
}

const filters = process.argv.slice(2);
const files = [];
for (const root of ['dist/src', 'dist/test']) {
  try { for await (const f of walk(root)) files.push(f); } catch (e) { if (e.code !== 'ENOENT') throw e; }
}
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));
if (selected.length === 0) {
  console.error(`no test files matched ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=2', ...selected], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
