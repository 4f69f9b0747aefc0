/**
 * Bulk assets: `{clientId, asset (or name), type?, hostname?, ip?, description?, tags?}`; an asset's
 * identity in its client is the normalised name, as for imported scans.
 */
import { assetKey } from '../../parsers/contract.js';
import type { ObjectKind } from '../object-kind.js';
import { ObjectInvalid, optionalString, optionalStringList, requiredId, requiredString } from '../rules.js';
import { mustClient } from './references.js';
import { idsByInput, jsonTexts, textArrayFromJson } from './batch-rows.js';

interface AssetInput {
  clientId: number;
  identity: string;
  data: Record<string, unknown>;
  tags: string[];
}

export const assetsKind: ObjectKind<AssetInput> = {
  name: 'assets',
  validate(fields) {
    const clientId = requiredId(fields, 'clientId');
    const name = 'asset' in fields || !('name' in fields) ? requiredString(fields, 'asset') : requiredString(fields, 'name');
    return {
      clientId,
      identity: assetKey(name),
      tags: optionalStringList(fields, 'tags'),
      data: {
        name,
        type: optionalString(fields, 'type', 100),
        hostname: optionalString(fields, 'hostname', 500),
        ip: optionalString(fields, 'ip', 100),
        description: optionalString(fields, 'description'),
      },
    };
  },
  async create(db, tenantId, input) {
    await mustClient(db, tenantId, input.clientId);
    const { rows } = await db.query(
      `INSERT INTO assets (tenant_id, client_id, identity, data, tags) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (client_id, identity) DO NOTHING RETURNING id`,
      [tenantId, input.clientId, input.identity, input.data, input.tags],
    );
    if (!rows[0]) throw new ObjectInvalid(`An asset '${input.data.name}' already exists in client ${input.clientId}.`);
    return String(rows[0].id);
  },
  async createMany(db, tenantId, inputs) {
    // Those whose client is missing, or whose identity exists (or came earlier), are left to `create`.
    const { rows } = await db.query(
      `INSERT INTO assets (tenant_id, client_id, identity, data, tags)
       SELECT $1, u.client_id, u.identity, u.data::jsonb, ${textArrayFromJson('u.tags')}
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(client_id, identity, data, tags, n)
        WHERE EXISTS (SELECT 1 FROM clients c WHERE c.tenant_id = $1 AND c.id = u.client_id)
        ORDER BY u.n
       ON CONFLICT (client_id, identity) DO NOTHING
       RETURNING id, client_id || chr(1) || identity AS key`,
      [tenantId, inputs.map((i) => i.clientId), inputs.map((i) => i.identity), jsonTexts(inputs.map((i) => i.data)), jsonTexts(inputs.map((i) => i.tags))],
    );
    return idsByInput(inputs.map((i) => `${i.clientId}\u0001${i.identity}`), rows);
  },
};
