import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressBar, renderBar, renderProgressLine, type ProgressState } from './progress-bar.js';

class FakeStream {
  readonly writes: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
  ) {}
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return true;
  }
  get text(): string {
    return this.writes.join('');
  }
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const state = (overrides: Partial<ProgressState>): ProgressState => ({ label: 'Uploading scan.nessus', done: 0, unit: 'bytes', elapsedMs: 0, frame: 0, ...overrides });

test('the bar fills in proportion and clamps out-of-range fractions', () => {
  assert.equal(renderBar(0, 10), '░'.repeat(10));
  assert.equal(renderBar(0.5, 10), '█'.repeat(5) + '░'.repeat(5));
  assert.equal(renderBar(1, 10), '█'.repeat(10));
  assert.equal(renderBar(7, 4), '████');
  assert.equal(renderBar(-1, 4), '░░░░');
  assert.equal(renderBar(NaN, 4), '░░░░');
});

test('a byte progress line shows percent, sizes, rate and time left', () => {
  const line = renderProgressLine(state({ done: 512 * 1024, total: 1024 * 1024, elapsedMs: 1000 }), 120);
  assert.match(line, /^Uploading scan\.nessus {2}\[█+░+\] {3}50% {2}512\.0 KB \/ 1\.0 MB {2}512\.0 KB\/s {2}ETA 1s$/);
});

test('a count line shows done/total and the detail', () => {
  const line = renderProgressLine({ label: 'Importing 1000 objects', done: 350, total: 1000, unit: 'count', elapsedMs: 2000, frame: 0, detail: 'InProgress' }, 100);
  assert.match(line, /\[█+░+\] {3}35% {2}350\/1000 {2}InProgress$/);
});

test('without a total a spinner and the elapsed time are drawn', () => {
  const line = renderProgressLine({ label: 'Building import #1', done: 0, unit: 'count', elapsedMs: 65_000, frame: 3, detail: 'Running' }, 80);
  assert.equal(line, '⠸ Building import #1  1m05s  Running');
});

test('lines never reach the last column, dropping the bar when the terminal is narrow', () => {
  for (const columns of [30, 50, 80, 200]) {
    const line = renderProgressLine(state({ done: 1, total: 3, elapsedMs: 10, detail: 'PROCESSING  5 findings, 3 assets' }), columns);
    assert.ok(Array.from(line).length <= columns - 1, `${columns}: ${line}`);
  }
  assert.doesNotMatch(renderProgressLine(state({ done: 1, total: 3, elapsedMs: 10 }), 40), /\[/);
});

test('on a terminal it redraws one line (carriage return, erase) and erases it when finished', () => {
  const stream = new FakeStream(true, 100);
  const time = clock();
  const bar = new ProgressBar({ stream, enabled: true, label: 'Uploading a', unit: 'bytes', total: 100, now: time.now });
  bar.update({ done: 10 });
  time.advance(200);
  bar.update({ done: 60 });
  assert.equal(stream.writes.length, 2);
  for (const write of stream.writes) assert.match(write, /^\r.*\x1b\[K$/);
  assert.match(stream.writes[1]!, /60%/);
  bar.finish('done');
  assert.equal(stream.writes.at(-2), '\r\x1b[K');
  assert.equal(stream.writes.at(-1), 'done\n');
  assert.ok(!stream.text.includes('\n\r'), 'no newline is left between redraws');
});

test('redraws are throttled, but the final state is always drawn', () => {
  const stream = new FakeStream(true);
  const time = clock();
  const bar = new ProgressBar({ stream, enabled: true, label: 'x', total: 100, now: time.now, minIntervalMs: 100 });
  for (let done = 1; done < 100; done++) {
    bar.update({ done });
    time.advance(5);
  }
  const drawnBefore = stream.writes.length;
  assert.ok(drawnBefore >= 4 && drawnBefore <= 6, `drew ${drawnBefore} times in 500 ms`);
  bar.update({ done: 100 });
  assert.equal(stream.writes.length, drawnBefore + 1);
  assert.match(stream.writes.at(-1)!, /100%/);
});

test('disabled (not a terminal, NO_COLOR): nothing at all is written', () => {
  const stream = new FakeStream(false);
  const bar = new ProgressBar({ stream, enabled: false, label: 'x', total: 10, animate: true });
  bar.update({ done: 5 });
  bar.update({ done: 10 });
  bar.finish('message');
  assert.deepEqual(stream.writes, []);
});

test('finishing an undrawn bar writes no erase sequence', () => {
  const stream = new FakeStream(true);
  new ProgressBar({ stream, enabled: true, label: 'x' }).finish();
  assert.deepEqual(stream.writes, []);
});
