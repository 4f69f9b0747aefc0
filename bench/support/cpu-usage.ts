/**
 * How many CPUs the whole machine kept busy over an interval, from /proc/stat. It tells how much
 * room a second worker process could have found: if one worker's run already keeps 1.5 of 2 CPUs
 * busy (worker, PostgreSQL, API), two workers can be at most 2 / 1.5 = 1.33× faster.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

interface Ticks {
  busy: number;
  total: number;
}

function readTicks(): Ticks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!; // "cpu  user nice system idle iowait irq softirq steal …"
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = values[3]! + values[4]!;
  return { busy: total - idle, total };
}

export class CpuUsage {
  private readonly start = readTicks();

  /** Average number of CPUs busy since construction (0 … number of CPUs). */
  busyCpus(): number {
    const end = readTicks();
    const total = end.total - this.start.total;
    return total > 0 ? ((end.busy - this.start.busy) / total) * cpus().length : Number.NaN;
  }
}
