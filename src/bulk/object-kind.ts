/** What a bulk import needs of each kind of object it can create. */
import type { Queryable } from '../db/pool.js';
import type { Fields } from './rules.js';

export interface ObjectKind<T = unknown> {
  /** The `{objects}` path segment. */
  readonly name: string;
  /** Checks one input object; throws ObjectInvalid naming the field and the rule. */
  validate(fields: Fields): T;
  /**
   * Creates the object inside the caller's transaction and returns its id; throws ObjectInvalid
   * for a duplicate or a reference to something that does not exist in the tenant.
   */
  create(db: Queryable, tenantId: number, value: T): Promise<string>;
}
