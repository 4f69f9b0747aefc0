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
import type { Queryable } from '../../db/pool.js';
import { idsByInput, jsonTexts, textArrayFromJson } from './batch-rows.js';

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
  async createMany(db, tenantId, inputs) {
    // Those whose client or report is missing, or whose title exists in the report (or came
    // earlier), are left to `create`.
    const { rows } = await db.query(
      `INSERT INTO findings (tenant_id, client_id, report_id, source, tool_key, title, severity, data, tags)
       SELECT $1, u.client_id, u.report_id, $2, u.tool_key, u.title, u.severity, u.data::jsonb, ${textArrayFromJson('u.tags')}
         FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
              WITH ORDINALITY AS u(client_id, report_id, tool_key, title, severity, data, tags, n)
        WHERE EXISTS (SELECT 1 FROM clients c WHERE c.tenant_id = $1 AND c.id = u.client_id)
          AND EXISTS (SELECT 1 FROM reports r WHERE r.tenant_id = $1 AND r.client_id = u.client_id AND r.id = u.report_id)
        ORDER BY u.n
       ON CONFLICT (report_id, source, tool_key) DO NOTHING
       RETURNING id, client_id || chr(1) || report_id || chr(1) || tool_key AS key`,
      [
        tenantId,
        MANUAL_SOURCE,
        inputs.map((i) => i.clientId),
        inputs.map((i) => i.reportId),
        inputs.map((i) => i.key),
        inputs.map((i) => i.title),
        inputs.map((i) => i.severity),
        jsonTexts(inputs.map((i) => i.data)),
        jsonTexts(inputs.map((i) => i.tags)),
      ],
    );
    const ids = idsByInput(inputs.map((i) => `${i.clientId}\u0001${i.reportId}\u0001${i.key}`), rows);
    await linkAffectedAssets(db, tenantId, inputs.flatMap((input, k) => (ids[k] === null ? [] : [{ findingId: ids[k]!, input }])));
    return ids;
  },
};

/**
 * The affected assets of the findings createMany created, as `create` links them one finding
 * after another: an asset first named by a finding is created with that name, and an existing one
 * (or one named by an earlier finding) is reused.
 */
async function linkAffectedAssets(db: Queryable, tenantId: number, created: { findingId: string; input: FindingInput }[]): Promise<void> {
  const assets = new Map<string, { clientId: number; identity: string; name: string }>();
  const links: { findingId: string; asset: string }[] = [];
  for (const { findingId, input } of created) {
    for (const name of input.affectedAssets) {
      const asset = `${input.clientId}\u0001${assetKey(name)}`;
      if (!assets.has(asset)) assets.set(asset, { clientId: input.clientId, identity: assetKey(name), name });
      links.push({ findingId, asset });
    }
  }
  if (links.length === 0) return;
  const wanted = [...assets.values()];
  const { rows } = await db.query(
    `INSERT INTO assets (tenant_id, client_id, identity, data)
     SELECT $1, u.client_id, u.identity, u.data::jsonb
       FROM unnest($2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS u(client_id, identity, data, n)
      ORDER BY u.n
     ON CONFLICT (client_id, identity) DO UPDATE SET updated_at = assets.updated_at
     RETURNING id, client_id || chr(1) || identity AS key`,
    [tenantId, wanted.map((a) => a.clientId), wanted.map((a) => a.identity), jsonTexts(wanted.map((a) => ({ name: a.name })))],
  );
  const assetIds = new Map(rows.map((row) => [row.key as string, String(row.id)]));
  await db.query(
    `INSERT INTO finding_assets (finding_id, asset_id) SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING`,
    [links.map((l) => l.findingId), links.map((l) => assetIds.get(l.asset)!)],
  );
}

function sanitizeOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : sanitizeRichText(text);
}
