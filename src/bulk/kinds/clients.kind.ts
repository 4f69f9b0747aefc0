/** Bulk clients: `{name, description?, poc?, poc_email?, tags?}`; names are unique per tenant. */
import type { ObjectKind } from '../object-kind.js';
import { ObjectInvalid, optionalString, optionalStringList, requiredString } from '../rules.js';

interface ClientInput {
  name: string;
  data: Record<string, unknown>;
}

export const clientsKind: ObjectKind<ClientInput> = {
  name: 'clients',
  validate(fields) {
    const name = requiredString(fields, 'name');
    const data = {
      description: optionalString(fields, 'description'),
      poc: optionalString(fields, 'poc', 500),
      poc_email: optionalString(fields, 'poc_email', 500),
      tags: optionalStringList(fields, 'tags'),
    };
    return { name, data };
  },
  async create(db, tenantId, input) {
    const { rows: existing } = await db.query('SELECT id FROM clients WHERE tenant_id = $1 AND lower(name) = lower($2) LIMIT 1', [tenantId, input.name]);
    if (existing[0]) throw new ObjectInvalid(`A client named '${input.name}' already exists (client ${existing[0].id}).`);
    const { rows } = await db.query('INSERT INTO clients (tenant_id, name, data) VALUES ($1, $2, $3) RETURNING id', [tenantId, input.name, input.data]);
    return String(rows[0].id);
  },
};
