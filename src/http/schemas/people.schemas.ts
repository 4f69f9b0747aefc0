/** Schemas of the people and access routes (users, tenants, MFA, API tokens). */
import { Type } from '@sinclair/typebox';
import { IdParam } from './common.js';

export const RoleName = Type.Union([Type.Literal('ADMIN'), Type.Literal('ANALYST'), Type.Literal('READ_ONLY')]);
/** Roles as clients may spell them (any case, `read-only`, legacy `USER`); parseRole decides. */
export const RoleInput = Type.String({ minLength: 1, maxLength: 20, description: 'ADMIN, ANALYST or READ_ONLY (any case; read-only accepted)' });
export const Email = Type.String({ minLength: 3, maxLength: 320 });
export const Password = Type.String({ minLength: 8, maxLength: 1024 });
export const PersonName = Type.String({ maxLength: 500 });

export const UserView = Type.Object({
  id: Type.Integer(),
  tenantId: Type.Integer(),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  /** The name PlexTrac's tenant-user list uses (read by its public scripts). */
  fullName: Type.String(),
  role: RoleName,
  isActive: Type.Boolean(),
  isInstanceAdmin: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
  /** PlexTrac's spelling of the same fact (`mfa.enabled`). */
  mfa: Type.Object({ enabled: Type.Boolean() }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const TenantView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  userCount: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const ApiTokenView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const TenantParams = Type.Object({ tenantId: IdParam });
export const TenantUserParams = Type.Object({ tenantId: IdParam, userId: IdParam });
export const Paging = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'from 1' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});
export const TotpCode = Type.Object({ code: Type.String({ minLength: 1, maxLength: 20, description: 'the six digits the authenticator app shows' }) });
/** For POST routes that take no fields: an absent body, or any JSON, is accepted and ignored. */
export const NoBody = Type.Unknown({ description: 'no body is needed; anything sent is ignored' });
