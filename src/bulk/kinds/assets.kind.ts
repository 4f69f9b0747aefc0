/**
 * Bulk assets: `{clientId, asset (or name), type?, hostname?, ip?, description?, tags?}`; an asset's
 * identity in its client is the normalised name, as for imported scans.
 */
import { assetKey } from '../../parsers/contract.js';
import type { ObjectKind } from '../object-kind.js';
import { ObjectInvalid, optionalString, optionalStringList, requiredId, requiredString } from '../rules.js';
import { mustClient } from './references.js';

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
};
