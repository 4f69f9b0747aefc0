/** Tenant roles. ADMIN manages the tenant's users; ANALYST writes data; READ_ONLY only reads. */
export const ROLES = ['ADMIN', 'ANALYST', 'READ_ONLY'] as const;
export type Role = (typeof ROLES)[number];

/** Roles allowed on routes that create, change or delete tenant data. */
export const WRITE_ROLES: readonly Role[] = ['ADMIN', 'ANALYST'];

const ALIASES: Record<string, Role> = {
  admin: 'ADMIN',
  analyst: 'ANALYST',
  read_only: 'READ_ONLY',
  'read-only': 'READ_ONLY',
  readonly: 'READ_ONLY',
  // Bulk user imports wrote USER before roles existed: an ordinary member.
  user: 'ANALYST',
};

/** The role a client meant (any case, `read-only`/`readonly`, legacy `USER`), or null. */
export function parseRole(value: string): Role | null {
  return ALIASES[value.trim().toLowerCase()] ?? null;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
