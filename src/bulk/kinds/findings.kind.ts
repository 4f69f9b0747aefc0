/**
 * Bulk findings: `{clientId, reportId, title, severity, description?, recommendations?,
 * references?, cves?, cwes?, tags?, affectedAssets?}`. They are findings of source `manual`,
 * keyed by their normalised title within the report, like a CSV import's.
 */
import type { Severity } from '../../parsers/contract.js';
import { assetKey } from '../../parsers/contract.js';
import { sanitizeRichText } from '../../imports/rich-text.js';
import type { ObjectKind } from '../object-kind.js';
import { ObjectInvalid, oneOf, optionalString, optionalStringList, requiredId, requiredString } from '../rules.js';
import { mustClient, mustReport } from './references.js';
import { MANUAL_SOURCE, manualFindingKey } from '../../domain/manual-finding.js';

const SEVERITIES: readonly Severity[] = ['Critical', 'High', 'Medium', 'Low', 'Informational'];
export { MANUAL_SOURCE };

interface FindingInput {
  clientId: number;
  reportId: number;
  title: string;
  key: string;
  severity: Severity;
  data: Record<string, unknown>;
  tags: string[];
  affectedAssets: string[];
}

export const findingsKind: ObjectKind<FindingInput> = {
  name: 'findings',
  validate(fields) {
    const title = requiredString(fields, 'title', 1000);
    const cves = optionalStringList(fields, 'cves');
    const badCve = cves.find((cve) => !/^CVE-\d{4}-\d{4,}$/i.test(cve));
    if (badCve) throw new ObjectInvalid(`The 'cves' field must hold CVE ids like CVE-2021-44228; found "${badCve}".`);
    return {
      clientId: requiredId(fields, 'clientId'),
      reportId: requiredId(fields, 'reportId'),
      title,
      key: manualFindingKey(title),
      severity: oneOf(fields, 'severity', SEVERITIES),
      tags: optionalStringList(fields, 'tags'),
      affectedAssets: optionalStringList(fields, 'affectedAssets'),
      data: {
        description: sanitizeOptional(optionalString(fields, 'description')),
        solution: sanitizeOptional(optionalString(fields, 'recommendations')),
        references: optionalStringList(fields, 'references'),
        cves: cves.map((cve) => cve.toUpperCase()),
        cwes: optionalStringList(fields, 'cwes'),
      },
    };
  },
  async create(db, tenantId, input) {
    await mustClient(db, tenantId, input.clientId);
    await mustReport(db, tenantId, input.clientId, input.reportId);
    const { rows } = await db.query(
      `INSERT INTO findings (tenant_id, client_id, report_id, source, tool_key, title, severity, data, tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (report_id, source, tool_key) DO NOTHING RETURNING id`,
      [tenantId, input.clientId, input.reportId, MANUAL_SOURCE, input.key, input.title, input.severity, input.data, input.tags],
    );
    if (!rows[0]) throw new ObjectInvalid(`A finding titled '${input.title}' already exists in report ${input.reportId}.`);
    const findingId = rows[0].id as number;
    for (const name of input.affectedAssets) {
      const { rows: asset } = await db.query(
        `INSERT INTO assets (tenant_id, client_id, identity, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (client_id, identity) DO UPDATE SET updated_at = assets.updated_at RETURNING id`,
        [tenantId, input.clientId, assetKey(name), { name }],
      );
      await db.query('INSERT INTO finding_assets (finding_id, asset_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [findingId, asset[0].id]);
    }
    return String(findingId);
  },
};

function sanitizeOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : sanitizeRichText(text);
}
