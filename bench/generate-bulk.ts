/**
 * Bulk import bodies (spec 4): JSON arrays of up to 1000 objects, seeded, so the same options
 * always give the same array. Objects look like what scripts send: clients with contacts and tags,
 * findings with rich descriptions, references, CVEs, CWEs and affected assets. `invalidEvery`
 * makes every n-th object invalid (a missing required field), for partial-success runs; the
 * returned `expected` says how many objects must be created and how many must fail.
 */
import { mulberry32, pick, pickIndex, words } from './support/random.js';

export interface BulkBody<T> {
  objects: T[];
  expected: { created: number; failed: number };
}

export interface BulkOptions {
  seed?: number;
  /** Makes objects invalid at positions n, 2n, … (1-based); 0 or absent: all valid. */
  invalidEvery?: number;
  /** Prefix of names and titles, so several runs in one tenant do not collide. */
  prefix?: string;
}

const invalidAt = (options: BulkOptions, index: number): boolean =>
  (options.invalidEvery ?? 0) > 0 && (index + 1) % options.invalidEvery! === 0;

function body<T>(count: number, options: BulkOptions, make: (i: number, random: () => number, invalid: boolean) => T): BulkBody<T> {
  const random = mulberry32(options.seed ?? 11);
  const objects = Array.from({ length: count }, (_, i) => make(i, random, invalidAt(options, i)));
  const failed = objects.filter((_, i) => invalidAt(options, i)).length;
  return { objects, expected: { created: count - failed, failed } };
}

export interface BulkClient {
  name: string | null;
  description?: string;
  poc?: string;
  poc_email?: string;
  tags?: string[];
}

export function bulkClients(count: number, options: BulkOptions = {}): BulkBody<BulkClient> {
  const prefix = options.prefix ?? 'bulk';
  return body(count, options, (i, random, invalid) => ({
    name: invalid ? null : `${prefix} client ${i + 1}`,
    description: words(random, 12 + pickIndex(random, 20)),
    poc: `Contact ${pickIndex(random, 10_000)}`,
    poc_email: `contact${i + 1}@${prefix}.example.com`,
    tags: [pick(random, ['bench', 'pci', 'internal', 'external']), `region-${pickIndex(random, 5)}`],
  }));
}

export interface BulkFinding {
  clientId: number;
  reportId: number;
  title?: string;
  severity: string;
  description: string;
  recommendations: string;
  references: string[];
  cves: string[];
  cwes: string[];
  tags: string[];
  affectedAssets: string[];
}

const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Informational'];

export function bulkFindings(count: number, target: { clientId: number; reportId: number }, options: BulkOptions = {}): BulkBody<BulkFinding> {
  const prefix = options.prefix ?? 'bulk';
  return body(count, options, (i, random, invalid) => {
    const finding: BulkFinding = {
      ...target,
      title: `${prefix} finding ${i + 1}`,
      severity: pick(random, SEVERITIES),
      description: `<p>${words(random, 40 + pickIndex(random, 80))}</p>`,
      recommendations: `<p>${words(random, 20)}</p>`,
      references: [`https://example.test/advisory/${pickIndex(random, 1e5)}`],
      cves: Array.from({ length: pickIndex(random, 3) }, () => `CVE-20${10 + pickIndex(random, 14)}-${1000 + pickIndex(random, 90_000)}`),
      cwes: [`CWE-${20 + pickIndex(random, 900)}`],
      tags: ['bench'],
      affectedAssets: Array.from({ length: 1 + pickIndex(random, 3) }, () => `host${pickIndex(random, 100)}.bench.test`),
    };
    if (invalid) delete finding.title;
    return finding;
  });
}
