/** Checks that an object's references exist in the caller's tenant (others' look absent). */
import type { Queryable } from '../../db/pool.js';
import { ObjectInvalid } from '../rules.js';

export async function mustClient(db: Queryable, tenantId: number, clientId: number): Promise<void> {
  const { rows } = await db.query('SELECT 1 FROM clients WHERE tenant_id = $1 AND id = $2', [tenantId, clientId]);
  if (!rows[0]) throw new ObjectInvalid(`The 'clientId' field names client ${clientId}, which does not exist.`);
}

export async function mustReport(db: Queryable, tenantId: number, clientId: number, reportId: number): Promise<void> {
  const { rows } = await db.query('SELECT 1 FROM reports WHERE tenant_id = $1 AND client_id = $2 AND id = $3', [tenantId, clientId, reportId]);
  if (!rows[0]) throw new ObjectInvalid(`The 'reportId' field names report ${reportId}, which does not exist in client ${clientId}.`);
}
