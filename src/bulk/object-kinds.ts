/** The kinds of object a bulk import can create, by their `{objects}` path segment. */
import type { ObjectKind } from './object-kind.js';
import { assetsKind } from './kinds/assets.kind.js';
import { clientsKind } from './kinds/clients.kind.js';
import { findingsKind } from './kinds/findings.kind.js';
import { usersKind } from './kinds/users.kind.js';

const KINDS: ReadonlyMap<string, ObjectKind> = new Map<string, ObjectKind>(
  [clientsKind, assetsKind, findingsKind, usersKind].map((kind) => [kind.name, kind as ObjectKind]),
);

export function getObjectKind(name: string): ObjectKind | undefined {
  return KINDS.get(name);
}

export function listObjectKinds(): string[] {
  return [...KINDS.keys()];
}
