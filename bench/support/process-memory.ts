/**
 * Memory of another process, from Linux's /proc: its resident set now (VmRSS) and its peak
 * (VmHWM). Writing 5 to /proc/<pid>/clear_refs resets the peak to the current RSS, so the peak of
 * one phase (one import, one upload) can be read on a process that has been running a while.
 * Polling VmRSS as well catches the peak should a kernel refuse the reset.
 */
import { readFileSync, writeFileSync } from 'node:fs';

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${field} line`);
  return Number(match[1]) * 1024;
}

export const rssOf = (pid: number): number => statusField(pid, 'VmRSS');

/** Watches one process's peak RSS from now until `stop()`; `stop` returns bytes. */
export class PeakRss {
  private polled = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly hwmReset: boolean;
  readonly startRss: number;

  constructor(private readonly pid: number, pollMs = 50) {
    this.hwmReset = resetPeak(pid);
    this.startRss = rssOf(pid);
    this.polled = this.startRss;
    this.timer = setInterval(() => this.sample(), pollMs);
  }

  private sample(): void {
    try {
      this.polled = Math.max(this.polled, rssOf(this.pid));
    } catch {
      // the process has gone; the peak so far stands
    }
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    let hwm = 0;
    try {
      if (this.hwmReset) hwm = statusField(this.pid, 'VmHWM');
    } catch {
      // gone
    }
    return Math.max(this.polled, hwm);
  }
}

function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
