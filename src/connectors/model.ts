/** Connectors, their file groups and CSV column schemas (spec 3). */
export type ColumnType = 'string' | 'email' | 'integer' | 'date' | 'boolean';
export const COLUMN_TYPES: readonly ColumnType[] = ['string', 'email', 'integer', 'date', 'boolean'];

export interface ColumnSpec {
  name: string;
  required: boolean;
  type: ColumnType;
}

export type FileGroupRole = 'accounts' | 'privileges' | 'other';

export interface FileGroup {
  id: string;
  connectorId: string;
  name: string;
  required: boolean;
  position: number;
  columns: ColumnSpec[];
  role: FileGroupRole;
  /** accounts: the column identifying an account; privileges: the column naming one. */
  accountColumn: string | null;
}

export interface Connector {
  id: string;
  tenantId: number | null;
  name: string;
  kind: 'file' | 'api';
  fileGroups: FileGroup[];
  createdAt: Date;
}
