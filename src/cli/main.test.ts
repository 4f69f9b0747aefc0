import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { COMMANDS, globalHelp, runClientCommand } from './main.js';
import { CLIENT_COMMAND_NAMES } from './dispatch.js';
import { createTerminal, type Terminal } from './terminal.js';

class Capture {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

function fakeTerminal(env: NodeJS.ProcessEnv = {}): { terminal: Terminal; out: Capture; err: Capture } {
  const out = new Capture();
  const err = new Capture();
  return { terminal: createTerminal({ stdout: out, stderr: err, stdin: process.stdin, env }), out, err };
}

test('src/main/cli.ts dispatches every client command to the runner', () => {
  for (const command of COMMANDS) assert.ok((CLIENT_COMMAND_NAMES as readonly string[]).includes(command.name), command.name);
});

test('every command has usage, options and examples in its --help, printed on stdout with exit 0', async () => {
  for (const command of COMMANDS) {
    const { terminal, out, err } = fakeTerminal();
    assert.equal(await runClientCommand([command.name, '--help'], { terminal }), 0, command.name);
    assert.match(out.text, new RegExp(`^Usage: intake ${command.name}`), command.name);
    assert.match(out.text, /--json/, command.name);
    assert.match(out.text, /\nExamples?:\n {2}intake /, command.name);
    assert.equal(err.text, '');
    assert.ok(globalHelp().includes(`  ${command.name} `), `intake --help lists ${command.name}`);
  }
});

test('intake --help, intake help and intake help <command>', async () => {
  for (const argv of [['--help'], ['-h'], ['help'], []]) {
    const { terminal, out } = fakeTerminal();
    assert.equal(await runClientCommand(argv, { terminal }), 0);
    assert.match(out.text, /^Usage: intake <command>/);
  }
  const { terminal, out } = fakeTerminal();
  assert.equal(await runClientCommand(['help', 'bulk'], { terminal }), 0);
  assert.match(out.text, /^Usage: intake bulk OBJECTS FILE\.json/);
});

test('usage errors exit 2 with the reason and a pointer to --help; nothing on stdout', async () => {
  const cases: [string[], RegExp][] = [
    [['import', 'scan.nessus', '--report', '1'], /intake import: --client is required\nRun "intake import --help" for usage\./],
    [['import', 'scan.nessus', '--client', 'x', '--report', '1'], /--client must be a positive integer; found "x"/],
    [['bulk', 'clients'], /expected OBJECTS FILE\.json; found "clients"/],
    [['bulk', 'clients', 'a.json', '--report', 'r.csv'], /--report needs --wait/],
    [['app-import', 'app-id'], /expected APPLICATION_ID GROUP_ID=FILE GROUP_ID=FILE…; found "app-id"/],
    [['imports', '--colour'], /Unknown option '--colour'/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ];
  for (const [argv, expected] of cases) {
    const { terminal, out, err } = fakeTerminal();
    assert.equal(await runClientCommand(argv, { terminal }), 2, argv.join(' '));
    assert.match(err.text, expected);
    assert.equal(out.text, '');
  }
});

test('a missing file is a usage error before anything is sent', async () => {
  const { terminal, err } = fakeTerminal({ INTAKE_URL: 'http://127.0.0.1:1', INTAKE_TOKEN: 'unused' });
  assert.equal(await runClientCommand(['import', '/nonexistent/scan.nessus', '--client', '1', '--report', '2'], { terminal }), 2);
  assert.match(err.text, /cannot read \/nonexistent\/scan\.nessus: no such file/);
});

test('failures exit 1; with --json they are also a JSON error on stdout', async () => {
  const home = await mkdtemp(join(tmpdir(), 'intake-cli-main-'));
  try {
    const { terminal, out, err } = fakeTerminal({ HOME: home, XDG_CONFIG_HOME: join(home, 'config') });
    assert.equal(await runClientCommand(['imports', '--json'], { terminal }), 1);
    assert.deepEqual(JSON.parse(out.text), { status: 'error', message: 'not logged in: run `intake login` (or set INTAKE_URL and INTAKE_TOKEN)' });
    assert.match(err.text, /intake imports: error: not logged in/);
    // A port that was free a moment ago: the network failure names the server.
    const port = await closedPort();
    const unreachable = fakeTerminal({ HOME: home, INTAKE_URL: `http://127.0.0.1:${port}`, INTAKE_TOKEN: 'pa_x' });
    assert.equal(await runClientCommand(['imports'], { terminal: unreachable.terminal }), 1);
    assert.match(unreachable.err.text, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
