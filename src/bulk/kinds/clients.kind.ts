/** Bulk clients: `{name, description?, poc?, poc_email?, tags?}`; names are unique per tenant. */
import type { Queryable } from '../../db/pool.js';
import type { ObjectKind } from '../object-kind.js';
import { ObjectInvalid, optionalString, optionalStringList, requiredString } from '../rules.js';
import { idsByInput, jsonTexts } from './batch-rows.js';

interface ClientInput {
  name: string;
  data: Record<string, unknown>;
}

/**
 * Names are unique per tenant only by this check (PlexTrac's own client/create allows equal
 * names, so there is no unique index to lean on). Two bulk jobs of one tenant could both pass it
 * for the same name; a lock per tenant, held until the batch's transaction ends, makes the second
 * wait and then see the first one's clients.
 */
async function lockTenantClientNames(db: Queryable, tenantId: number): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended('intake:client-names:' || $1::text, 0))", [tenantId]);
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
    await lockTenantClientNames(db, tenantId);
    const { rows: existing } = await db.query('SELECT id FROM clients WHERE tenant_id = $1 AND lower(name) = lower($2) LIMIT 1', [tenantId, input.name]);
    if (existing[0]) throw new ObjectInvalid(`A client named '${input.name}' already exists (client ${existing[0].id}).`);
    const { rows } = await db.query('INSERT INTO clients (tenant_id, name, data) VALUES ($1, $2, $3) RETURNING id', [tenantId, input.name, input.data]);
    return String(rows[0].id);
  },
  async createMany(db, tenantId, inputs) {
    await lockTenantClientNames(db, tenantId);
    // Of names equal but for case only the first is created, and none already in the tenant:
    // exactly what `create` in turn would do (the others are left to it, for their message).
    // NOT IN (names are never null) is a hashed subplan, the tenant's names read once; NOT EXISTS
    // let the planner, misled by unnest's estimate, rescan them for every input.
    const { rows } = await db.query(
      `WITH input AS (
         SELECT u.name, u.data, u.n, row_number() OVER (PARTITION BY lower(u.name) ORDER BY u.n) AS occurrence
           FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(name, data, n))
       INSERT INTO clients (tenant_id, name, data)
       SELECT $1, i.name, i.data::jsonb FROM input i
        WHERE i.occurrence = 1 AND lower(i.name) NOT IN (SELECT lower(c.name) FROM clients c WHERE c.tenant_id = $1)
        ORDER BY i.n
       RETURNING id, name AS key`,
      [tenantId, inputs.map((i) => i.name), jsonTexts(inputs.map((i) => i.data))],
    );
    return idsByInput(inputs.map((i) => i.name), rows);
  },
};
