/**
 * Issue 8's targets, checked against one run's figures: for each target and database mode, the
 * figure, whether it is met, and when missed, by how much.
 */
import { cpuWorkFigures, mb, mbPerSecond } from './figures.js';
import type { BulkResults, ImportBenchResults, ModeFigures } from './results.js';

export interface Verdict {
  /** The figure as measured, in words. */
  value: string;
  met: boolean;
  /** When missed: by how much, in words. */
  shortfall?: string;
  /** What this machine allows at best, in words (a floor measured in the same run). */
  floor?: string;
}

export interface TargetRow {
  id: string;
  target: string;
  /** Per database mode. */
  verdicts: Record<string, Verdict>;
}

/** Headroom the API may use during an upload and still be called flat. */
export const FLAT_UPLOAD_GROWTH_BYTES = 64 * 1024 * 1024;

/** A fraction as a percentage; one decimal near 100 %, so a near miss does not read as "100 %". */
const pct = (value: number): string => `${(value * 100).toFixed(value >= 0.995 && value < 1 ? 1 : 0)} %`;

/** Two decimals, or three when two would round onto the limit and hide which side of it the value is. */
function ratio(value: number, limit: number): string {
  const two = value.toFixed(2);
  return Number(two) === limit && value !== limit ? value.toFixed(3) : two;
}

/** A ≤ limit check, saying how far over when missed. */
function atMost(value: number, limit: number, text: string, unit: string): Verdict {
  return value <= limit ? { value: text, met: true } : { value: text, met: false, shortfall: `${(value / limit).toFixed(2)}× the limit of ${limit}${unit}` };
}

/** A ≥ floor check, saying what fraction of it was reached when missed. */
function atLeast(value: number, floor: number, text: string, unit: string): Verdict {
  return value >= floor ? { value: text, met: true } : { value: text, met: false, shortfall: `reached ${pct(value / floor)} of ${floor}${unit}` };
}

/** Both parts of a two-part target must be met. */
function both(a: Verdict, b: Verdict): Verdict {
  const shortfall = [a.shortfall, b.shortfall].filter(Boolean).join('; ');
  return { value: `${a.value}; ${b.value}`, met: a.met && b.met, shortfall: shortfall || undefined };
}

function importTargets(f: ModeFigures): Record<string, Verdict> {
  const { e2e, memory, upload, responsiveness: r, scaleOut } = f;
  const tokenizeRatio = e2e.ms / e2e.tokenizeMs;
  const speed = mbPerSecond(e2e.bytes, e2e.ms);
  const memoryRatio = memory.big.workerPeakRss / memory.small.workerPeakRss;
  const uploadSpeed = mbPerSecond(upload.bytes, upload.ms);
  const growth = upload.apiPeakRss - upload.apiStartRss;
  const p99Ratio = r.loaded.p99 / r.idle.p99;
  const speedUp = scaleOut.one.ms / scaleOut.two.ms;
  const speedVerdict = both(atMost(tokenizeRatio, 2, `${ratio(tokenizeRatio, 2)}× tokenize`, '×'), atLeast(speed, 25, `${speed.toFixed(1)} MB/s`, ' MB/s'));
  const work = cpuWorkFigures(e2e.cpu, e2e.tokenizeMs);
  const latencyVerdict = both(atMost(p99Ratio, 2, `p99 ${ratio(p99Ratio, 2)}× idle`, '×'), atMost(r.loaded.p99, 50, `${r.loaded.p99.toFixed(1)} ms`, ' ms'));
  return {
    memory: both(
      atMost(memory.big.workerPeakRss / (1024 * 1024), 300, `${mb(memory.big.workerPeakRss)} MB at ${mb(memory.big.bytes)} MB`, ' MB'),
      atMost(memoryRatio, 1.3, `${ratio(memoryRatio, 1.3)}× the ${mb(memory.small.bytes)} MB file's ${mb(memory.small.workerPeakRss)} MB`, '×'),
    ),
    speed: { ...speedVerdict, floor: `the work alone needs ≥ ${work.floorRatio.toFixed(2)}× on ${e2e.cpu.cpus} CPUs` },
    latency: { ...latencyVerdict, floor: schedulerFloor(r) },
    scaleOut: atLeast(speedUp, 1.6, `${ratio(speedUp, 1.6)}× faster`, '×'),
    upload: both(
      atLeast(uploadSpeed, 200, `${uploadSpeed.toFixed(0)} MB/s`, ' MB/s'),
      atMost(growth / (1024 * 1024), FLAT_UPLOAD_GROWTH_BYTES / (1024 * 1024), `API RSS +${mb(Math.max(0, growth))} MB`, ' MB growth'),
    ),
  };
}

/** "scheduler floor with 4 niced busy loops: 2.10× (at nice 0: 5.3×)": p99 with busy loops, over idle. */
function schedulerFloor(r: ModeFigures['responsiveness']): string | undefined {
  const [niced, ...others] = [...r.busyLoops].sort((a, b) => b.nice - a.nice);
  if (!niced) return undefined;
  const over = (p99: number) => `${(p99 / r.idle.p99).toFixed(2)}×`;
  const rest = others.map((b) => `at nice ${b.nice}: ${over(b.latency.p99)}`).join(', ');
  return `scheduler floor with ${niced.loops} busy loops at nice ${niced.nice}: ${over(niced.latency.p99)}${rest ? ` (${rest})` : ''}`;
}

export function evaluateTargets(imports: ImportBenchResults | undefined, bulk: BulkResults | undefined): TargetRow[] {
  const byMode = new Map((imports?.modes ?? []).map((f) => [f.mode, importTargets(f)]));
  const pick = (key: string): Record<string, Verdict> => Object.fromEntries([...byMode].map(([mode, v]) => [mode, v[key]!]));
  const bulkVerdicts = Object.fromEntries((bulk?.modes ?? []).map((m) => [m.mode, atMost(m.bulkMs, 1000, `${m.bulkMs.toFixed(0)} ms`, ' ms')]));
  return [
    { id: '1', target: 'Large Nessus import within 2× the bare tokenize time, and ≥ 25 MB/s end to end', verdicts: pick('speed') },
    { id: '2', target: 'Worker peak RSS < 300 MB for the big file, within 1.3× of the small file’s', verdicts: pick('memory') },
    { id: '3', target: `Presigned upload ≥ 200 MB/s with flat API memory (≤ ${FLAT_UPLOAD_GROWTH_BYTES / (1024 * 1024)} MB growth)`, verdicts: pick('upload') },
    { id: '4', target: 'API p99 with 4 large imports running within 2× of idle, and < 50 ms', verdicts: pick('latency') },
    { id: '5', target: '2 workers finish 4 imports ≥ 1.6× faster than 1 worker', verdicts: pick('scaleOut') },
    { id: '6', target: 'A 1000-object bulk job completes in < 1 s', verdicts: bulkVerdicts },
  ];
}

export function verdictText(v: Verdict | undefined): string {
  if (!v) return 'not measured';
  const floor = v.floor ? `; ${v.floor}` : '';
  return v.met ? `**met**: ${v.value}${floor}` : `**missed**: ${v.value} (${v.shortfall})${floor}`;
}
