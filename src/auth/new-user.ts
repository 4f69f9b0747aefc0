/** What creating a user needs everywhere (tenant creation, tenant admins, the CLI). */
import type { Queryable } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import { createUser, type UserRow } from '../db/repositories/users.repository.js';
import { emailTaken } from '../db/repositories/people.repository.js';
import { generatePassword, hashPassword } from './passwords.js';
import type { Role } from './roles.js';

export interface NewUser {
  email: string;
  name?: string | null;
  role: Role;
  /** When absent a password is generated and returned once. */
  password?: string;
}

export const MIN_PASSWORD_LENGTH = 8;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$|^[^\s@]+@localhost$/;

/** Creates the user; `password` in the result is set only when it was generated. */
export async function createNewUser(db: Queryable, tenantId: number, input: NewUser): Promise<{ user: UserRow; password?: string }> {
  const email = input.email.trim();
  if (!EMAIL.test(email)) throw new AppError('VALIDATION_FAILED', `email must be an email address; found "${email}"`);
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('VALIDATION_FAILED', `password must have at least ${MIN_PASSWORD_LENGTH} characters; found ${input.password.length}`);
  }
  if (await emailTaken(db, email)) throw emailTakenError(email);
  const password = input.password ?? generatePassword();
  try {
    const user = await createUser(db, { tenantId, email, passwordHash: await hashPassword(password), role: input.role, name: input.name?.trim() || null });
    return input.password === undefined ? { user, password } : { user };
  } catch (error) {
    // Two requests racing for one email: the unique index decides.
    if ((error as { code?: string }).code === '23505') throw emailTakenError(email, error);
    throw error;
  }
}

function emailTakenError(email: string, cause?: unknown): AppError {
  return new AppError('USER_EMAIL_TAKEN', `a user with the email ${email} already exists (emails are unique across the installation)`, { cause });
}
