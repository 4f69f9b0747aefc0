/** The console table of one database mode's import figures (bench/imports.ts). */
import { cpuWorkFigures, mb, mbPerSecond, printTable, rowsPerSecond, seconds } from './figures.js';
import type { ModeFigures } from './results.js';
import type { TimedImport } from './import-phases.js';

const stages = (t: TimedImport): string => (t.worker ? `stage ${seconds(t.worker.stageMs)} s + commit ${seconds(t.worker.commitMs)} s` : 'no worker timings logged');
const ms = (value: number): string => `${value.toFixed(1)} ms`;

export function printModeFigures(f: ModeFigures): void {
  const { e2e, memory, upload, responsiveness: r, scaleOut, burp, connector } = f;
  const work = cpuWorkFigures(e2e.cpu, e2e.tokenizeMs);
  printTable(`File imports, ${f.mode} PostgreSQL (Node ${process.version})`, [
    [`1. import ${mb(e2e.bytes)} MB Nessus, request → complete`, `${seconds(e2e.ms)} s = ${mbPerSecond(e2e.bytes, e2e.ms).toFixed(1)} MB/s (${stages(e2e)})`],
    ['   CPUs busy during it (whole machine)', `${e2e.busyCpus.toFixed(2)}`],
    ['   baseline: saxes tokenize, same file (median of 3)', `${seconds(e2e.tokenizeMs)} s = ${mbPerSecond(e2e.bytes, e2e.tokenizeMs).toFixed(1)} MB/s`],
    ['   import / tokenize time', `${(e2e.ms / e2e.tokenizeMs).toFixed(2)} x`],
    ['   CPU work of the import', work.work],
    ['   least wall time that work allows (CPU work / CPUs)', work.floor],
    ['   busiest single thread', work.thread],
    ['   API process meanwhile (answering polls; not counted)', `${e2e.cpu.apiSeconds.toFixed(1)} s`],
    [`2. worker peak RSS, ${mb(memory.small.bytes)} MB import`, `${mb(memory.small.workerPeakRss)} MB (idle ${mb(memory.small.workerStartRss)} MB; ${seconds(memory.small.ms)} s)`],
    [`   worker peak RSS, ${mb(memory.big.bytes)} MB import`, `${mb(memory.big.workerPeakRss)} MB (idle ${mb(memory.big.workerStartRss)} MB; ${seconds(memory.big.ms)} s = ${mbPerSecond(memory.big.bytes, memory.big.ms).toFixed(1)} MB/s)`],
    ['   big / small peak', `${(memory.big.workerPeakRss / memory.small.workerPeakRss).toFixed(2)} x`],
    [`3. presigned PUT ${mb(upload.bytes)} MB`, `${seconds(upload.ms)} s = ${mbPerSecond(upload.bytes, upload.ms).toFixed(0)} MB/s`],
    ['   API RSS before / peak during', `${mb(upload.apiStartRss)} / ${mb(upload.apiPeakRss)} MB`],
    [`4. GET /api/v2/my-imports idle p50 / p99`, `${ms(r.idle.p50)} / ${ms(r.idle.p99)} (${r.idle.requests} requests)`],
    ...r.busyLoops.map((b): [string, string] => [
      `   with ${b.loops} CPU busy loops at nice ${b.nice} (no import)`,
      `${ms(b.latency.p50)} / ${ms(b.latency.p99)} (max ${ms(b.latency.max)}; ${b.busyCpus.toFixed(2)} CPUs busy); p99 ${(b.latency.p99 / r.idle.p99).toFixed(2)} x idle`,
    ]),
    [`   with ${r.importsRunning} × ${mb(r.bytesEach)} MB imports running`, `${ms(r.loaded.p50)} / ${ms(r.loaded.p99)} (${r.loaded.requests} requests, max ${ms(r.loaded.max)}; ${r.loadedBusyCpus.toFixed(2)} CPUs busy)`],
    ['   p99 loaded / idle', `${(r.loaded.p99 / r.idle.p99).toFixed(2)} x`],
    [`5. ${scaleOut.one.imports} × ${mb(scaleOut.one.bytesEach)} MB imports, 1 worker process`, `${seconds(scaleOut.one.ms)} s (${scaleOut.one.busyCpus.toFixed(2)} CPUs busy)`],
    ['   2 worker processes', `${seconds(scaleOut.two.ms)} s (${scaleOut.two.busyCpus.toFixed(2)} CPUs busy)`],
    ['   speed-up', `${(scaleOut.one.ms / scaleOut.two.ms).toFixed(2)} x`],
    [`7. Burp ${mb(burp.bytes)} MB, request → complete`, `${seconds(burp.ms)} s = ${mbPerSecond(burp.bytes, burp.ms).toFixed(1)} MB/s (${stages(burp)}; saxes ${seconds(burp.tokenizeMs)} s; worker peak ${mb(burp.workerPeakRss)} MB)`],
    ...(['small', 'big'] as const).map((size): [string, string] => {
      const c = connector[size];
      return [`   connector CSV, ${c.rows} rows (${mb(c.bytes)} MB), fresh worker`, `upload ${seconds(c.uploadMs)} s, build ${seconds(c.buildMs)} s = ${rowsPerSecond(c.rows, c.buildMs)} rows/s; worker peak ${mb(c.workerPeakRss)} MB (idle ${mb(c.workerStartRss)} MB)`];
    }),
    ['   connector big / small peak', `${(connector.big.workerPeakRss / connector.small.workerPeakRss).toFixed(2)} x`],
  ]);
}
