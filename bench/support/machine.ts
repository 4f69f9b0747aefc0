/** What the figures were measured on, and how busy the machine was meanwhile. */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  freeMemoryBytes: number;
  node: string;
  postgres: string;
}

export function describeMachine(postgres: string): Machine {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    node: process.version,
    postgres,
  };
}

export interface LoadSummary {
  samples: number;
  /** 1-minute load averages sampled during the run. */
  min: number;
  mean: number;
  max: number;
  /** `uptime` and the busiest processes not belonging to this run, at the start. */
  atStart: string;
}

/** Samples the 1-minute load average every `everyMs` until `stop()`. */
export class LoadSampler {
  private readonly values: number[] = [];
  private readonly timer: NodeJS.Timeout;
  readonly atStart: string;

  constructor(everyMs = 5000) {
    this.atStart = snapshot();
    this.values.push(loadavg()[0]!);
    this.timer = setInterval(() => this.values.push(loadavg()[0]!), everyMs);
    this.timer.unref();
  }

  stop(): LoadSummary {
    clearInterval(this.timer);
    this.values.push(loadavg()[0]!);
    const sum = this.values.reduce((a, b) => a + b, 0);
    return { samples: this.values.length, min: Math.min(...this.values), mean: sum / this.values.length, max: Math.max(...this.values), atStart: this.atStart };
  }
}

/** `uptime` plus the busiest processes (ps, CPU % averaged over each one's life), as text for the record. */
export function snapshot(): string {
  try {
    const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
    const ps = execFileSync('ps', ['-eo', 'pcpu,rss,etimes,args', '--sort=-pcpu'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .slice(0, 8)
      .map((line) => line.slice(0, 140))
      .join('\n');
    return `${uptime}\n${ps}`;
  } catch {
    return `load average ${loadavg().map((l) => l.toFixed(2)).join(', ')}`;
  }
}
