/**
 * Bulk tenant users: `{email, name?, role?}`. Emails are unique across the installation. A user
 * created this way has no password yet and cannot log in until a tenant admin sets one
 * (PUT /api/v2/tenants/{tenantId}/users/{userId}). Roles are those of src/auth/roles.ts; `USER`,
 * which this import accepted before roles existed, is still read, as ANALYST.
 */
import type { ObjectKind } from '../object-kind.js';
import { ObjectInvalid, oneOf, optionalString, requiredString } from '../rules.js';
import { ROLES } from '../../auth/roles.js';

export const USER_ROLES = [...ROLES, 'USER', 'READ-ONLY'] as const;
type InputRole = (typeof USER_ROLES)[number];
const STORED_ROLE: Record<InputRole, (typeof ROLES)[number]> = { ADMIN: 'ADMIN', ANALYST: 'ANALYST', READ_ONLY: 'READ_ONLY', 'READ-ONLY': 'READ_ONLY', USER: 'ANALYST' };
/** Never the output of hashPassword: no password verifies against it. */
export const NO_PASSWORD = '!';

interface UserInput {
  email: string;
  name?: string;
  role: (typeof ROLES)[number];
}

export const usersKind: ObjectKind<UserInput> = {
  name: 'users',
  validate(fields) {
    const email = requiredString(fields, 'email', 320);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new ObjectInvalid(`The 'email' field must be an email address; found "${email}".`);
    return { email, name: optionalString(fields, 'name', 500), role: STORED_ROLE[oneOf(fields, 'role', USER_ROLES, 'ANALYST')] };
  },
  async create(db, tenantId, input) {
    const { rows: existing } = await db.query('SELECT 1 FROM users WHERE lower(email) = lower($1)', [input.email]);
    if (existing[0]) throw new ObjectInvalid(`A user with the email '${input.email}' already exists.`);
    const { rows } = await db.query(
      'INSERT INTO users (tenant_id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [tenantId, input.email, input.name ?? null, NO_PASSWORD, input.role],
    );
    return String(rows[0].id);
  },
};
