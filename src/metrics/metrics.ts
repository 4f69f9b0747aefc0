/**
 * Prometheus metrics of an api process: HTTP latency (measured here), and imports by kind, state
 * and source, queue depth, import durations and sizes (read from the database at each scrape, so
 * every api process reports the same installation-wide figures).
 */
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type PgBoss from 'pg-boss';
import type { Pool } from '../db/pool.js';
import { JOBS } from '../imports/jobs.js';

const DURATION_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600];
const SIZE_BUCKETS = [1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 5e9];

export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(private readonly pool: Pool, private readonly boss: PgBoss) {
    collectDefaultMetrics({ register: this.registry, prefix: 'intake_' });
    this.httpDuration = new Histogram({
      name: 'intake_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  async render(): Promise<string> {
    return (await this.registry.metrics()) + (await this.importMetrics());
  }

  /** A histogram per import kind over completed imports, counted by the database (no rows fetched). */
  private async histogram(name: string, help: string, buckets: number[], expression: string): Promise<string[]> {
    const counts = buckets.map((le, i) => `count(*) FILTER (WHERE v <= ${Number(le)})::int AS b${i}`).join(', ');
    const { rows } = await this.pool.query(
      `SELECT kind, ${counts}, count(*)::int AS n, coalesce(sum(v), 0)::float8 AS total
         FROM (SELECT kind, (${expression})::float8 AS v FROM imports
                WHERE state = 'succeeded' AND started_at IS NOT NULL AND finished_at IS NOT NULL) done
        GROUP BY kind ORDER BY kind`,
    );
    const out = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    for (const r of rows) {
      const kind = esc(r.kind);
      buckets.forEach((le, i) => out.push(`${name}_bucket{kind="${kind}",le="${le}"} ${r[`b${i}`]}`));
      out.push(`${name}_bucket{kind="${kind}",le="+Inf"} ${r.n}`, `${name}_sum{kind="${kind}"} ${r.total}`, `${name}_count{kind="${kind}"} ${r.n}`);
    }
    return out;
  }

  private async importMetrics(): Promise<string> {
    const lines: string[] = [];
    const { rows: byState } = await this.pool.query('SELECT kind, state, source, count(*)::int AS n FROM imports GROUP BY kind, state, source ORDER BY 1, 2, 3');
    lines.push('# HELP intake_imports Imports by kind, state and source', '# TYPE intake_imports gauge');
    for (const r of byState) lines.push(`intake_imports{kind="${esc(r.kind)}",state="${esc(r.state)}",source="${esc(r.source)}"} ${r.n}`);

    lines.push('# HELP intake_queue_depth Jobs waiting in each queue', '# TYPE intake_queue_depth gauge');
    for (const name of Object.values(JOBS)) lines.push(`intake_queue_depth{queue="${name}"} ${await this.boss.getQueueSize(name)}`);

    lines.push(...(await this.histogram('intake_import_duration_seconds', 'Time from an import attempt starting to its completion', DURATION_BUCKETS, 'extract(epoch FROM finished_at - started_at)')));
    lines.push(...(await this.histogram('intake_import_bytes', 'Size of the input of completed imports', SIZE_BUCKETS, 'file_size')));
    return `${lines.join('\n')}\n`;
  }
}

function esc(value: string): string {
  return String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
