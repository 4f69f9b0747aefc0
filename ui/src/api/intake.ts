/** The Intake routes the dashboard uses, with the shapes docs/api.md documents. */
import { apiRequest } from './http';

export type ImportStatus = 'IN QUEUE' | 'PROCESSING' | 'IMPORT COMPLETE' | 'ERROR';
export const FINAL_STATUSES: readonly string[] = ['IMPORT COMPLETE', 'ERROR'];

export interface LoginAnswer {
  status: 'success';
  tenant_id: number;
  token?: string;
  expires_at?: string;
  mfa_enabled?: true;
  /** The MFA challenge, when mfa_enabled. */
  code?: string;
}

export interface SessionAnswer {
  status: 'success';
  token: string;
  tenant_id: number;
  expires_at: string;
}

export interface Me {
  email: string;
  name: string | null;
  role: string;
}

export interface Named {
  id: number;
  name: string;
}

export interface ParserInfo {
  source: string;
  name: string;
  aliases: string[];
  fileTypes: string[];
}

/** An item of GET /api/v2/my-imports. */
export interface MyImport {
  key: string;
  name: string;
  reportName: string;
  clientName: string;
  fileSize: string;
  status: ImportStatus;
  progress: number;
  errorStatus: string | null;
  source: string;
}

/** The spec-1 `importJob` of GET /api/v2/my-imports/{key}. */
export interface ImportJob {
  id: string;
  user_email: string;
  client_id: number | null;
  report_id: number | null;
  source: string;
  original_filename: string;
  file_type: string;
  file_size: string;
  processed_bytes: string;
  processed_findings: number;
  processed_assets: number;
  processed_finding_assets: number;
  processed_evidence: number;
  findings_created: number;
  findings_updated: number;
  findings_unchanged: number;
  asset_tags: string[];
  finding_tags: string[];
  created_at: string;
  last_updated_at: string;
  status: ImportStatus;
  error_status: string | null;
}

export interface FindingRow {
  id: number;
  severity: string;
  title: string;
  status: string;
}

/** PlexTrac's list rows carry the id and name positionally in `data`. */
interface ListRow {
  data: unknown[];
}
const named = (rows: ListRow[]): Named[] => rows.map((r) => ({ id: Number(r.data[0]), name: String(r.data[1] ?? '') }));

const enc = encodeURIComponent;

export const intake = {
  login: (username: string, password: string) => apiRequest<LoginAnswer>('POST', '/api/v1/authenticate', { username, password }),
  /** Second step of an MFA login: the challenge from login and the six digits. */
  completeMfa: (challenge: string, digits: string) => apiRequest<SessionAnswer>('POST', '/api/v1/authenticate/mfa', { code: challenge, token: digits }),
  refresh: () => apiRequest<SessionAnswer>('PUT', '/api/v1/token/refresh'),
  me: async () => (await apiRequest<{ user: Me }>('GET', '/api/v2/users/me')).user,

  clients: async () => named(await apiRequest<ListRow[]>('GET', '/api/v1/client/list')),
  client: (clientId: number) => apiRequest<{ client_id: number; name: string }>('GET', `/api/v1/client/${clientId}`),
  createClient: async (name: string) => (await apiRequest<{ client_id: number }>('POST', '/api/v1/client/create', { name })).client_id,
  reports: async (clientId: number) => named(await apiRequest<ListRow[]>('GET', `/api/v1/client/${clientId}/reports`)),
  report: (clientId: number, reportId: number) => apiRequest<{ report_id: number; name: string }>('GET', `/api/v1/client/${clientId}/report/${reportId}`),
  createReport: async (clientId: number, name: string) =>
    (await apiRequest<{ report_id: number }>('POST', `/api/v1/client/${clientId}/report/create`, { name })).report_id,
  findings: async (clientId: number, reportId: number): Promise<FindingRow[]> =>
    (await apiRequest<ListRow[]>('GET', `/api/v1/client/${clientId}/report/${reportId}/flaws`)).map((r) => ({
      id: Number(r.data[0]),
      severity: String(r.data[1] ?? ''),
      title: String(r.data[2] ?? ''),
      status: String(r.data[3] ?? ''),
    })),

  parsers: async () => (await apiRequest<{ auto: string; parsers: ParserInfo[] }>('GET', '/api/v2/parsers')),
  presign: (fileName: string) => apiRequest<{ key: string; url: string }>('POST', '/api/v2/presigned-url', { name: fileName }),
  startImport: (clientId: number, reportId: number, source: string, key: string, fileName: string) =>
    apiRequest<{ operationId: string; importJob: ImportJob }>('POST', `/api/v2/client/${clientId}/report/${reportId}/preuploaded-import/${enc(source)}`, {
      key,
      fileName,
      tags: JSON.stringify({ assets: [], findings: [] }),
      useParserActions: false,
    }),
  myImports: () => apiRequest<MyImport[]>('GET', '/api/v2/my-imports'),
  importJob: (key: string) => apiRequest<ImportJob>('GET', `/api/v2/my-imports/${enc(key)}`),
};
