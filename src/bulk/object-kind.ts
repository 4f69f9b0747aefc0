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
  /**
   * Optional fast path: creates, in a few statements, those of `values` that `create` called on
   * each in turn would create, in the same order, and returns their ids; null for the others (a
   * duplicate, a missing reference), which the caller then passes to `create` to learn why. It
   * must leave out only objects that are certain to fail, so that the outcome of each object is
   * exactly what `create` one at a time gives.
   */
  createMany?(db: Queryable, tenantId: number, values: readonly T[]): Promise<(string | null)[]>;
}
