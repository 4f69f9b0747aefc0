/**
 * Bulk tenant users: `{email, name?, role?}`. Emails are unique across the installation. A user
 * created this way has no password yet and cannot log in until one is set.
 */
import type { ObjectKind } from '../object-kind.js';
import { ObjectInvalid, oneOf, optionalString, requiredString } from '../rules.js';

export const USER_ROLES = ['ADMIN', 'ANALYST', 'USER'] as const;
/** Never the output of hashPassword: no password verifies against it. */
export const NO_PASSWORD = '!';

interface UserInput {
  email: string;
  name?: string;
  role: (typeof USER_ROLES)[number];
}

export const usersKind: ObjectKind<UserInput> = {
  name: 'users',
  validate(fields) {
    const email = requiredString(fields, 'email', 320);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new ObjectInvalid(`The 'email' field must be an email address; found "${email}".`);
    return { email, name: optionalString(fields, 'name', 500), role: oneOf(fields, 'role', USER_ROLES, 'USER') };
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
