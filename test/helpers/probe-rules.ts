/**
 * How the cross-tenant suite probes each route of the API, keyed "METHOD /path/{param}" as the
 * OpenAPI document names them. A route without a rule fails the suite: a route added later must
 * say how it is probed.
 *
 * - `scoped`: the request names objects (in its path, query or body). Each id it uses is a *slot*;
 *   the suite sends one request per slot with that slot filled from the other tenant and the rest
 *   from the caller's own, plus one with every slot foreign. A foreign id in the path must answer
 *   404 (or 403 where the caller lacks the role), one in a body or query 400 or 404 — never 2xx.
 * - `list`: names nothing; answers with the caller's own data only (checked for the other tenant's
 *   fingerprints).
 * - `self`: the caller's own account (who am I, MFA, refresh, its own tokens).
 * - `create`: makes something in the caller's tenant; sent with the other tenant's ids in every
 *   tenant-ish field of the body, after which the other tenant must be unchanged (phase 2).
 * - `instance`: the instance admin's tenant management; anyone else gets 403.
 * - `public`: needs no token.
 */
import type { Slot, TenantIds } from './tenant-world.js';

export type Pick = <S extends Slot>(slot: S) => TenantIds[S];

export interface ProbeRequest {
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The form for multipart routes (built per request: a FormData can be sent once). */
  form?: () => FormData;
}

type Build = (pick: Pick) => ProbeRequest;

export type Rule =
  | { kind: 'scoped'; params?: Record<string, Slot | { literal: string }>; uses?: Slot[]; build?: Build; bodyExpect?: number[] }
  | { kind: 'list'; build?: Build; expect?: number[] }
  | { kind: 'self'; build?: Build; expect?: number[] }
  | { kind: 'create'; build: (other: TenantIds, marker: string) => ProbeRequest }
  | { kind: 'instance' }
  | { kind: 'public'; build?: (other: TenantIds, otherEmail: string) => ProbeRequest; expect: number[] };

/** Path parameters whose name says what they are. `id` is never guessed: each rule names it. */
export const PARAM_SLOTS: Record<string, Slot | { literal: string }> = {
  tenantId: 'tenantId',
  firmId: 'tenantId',
  userId: 'userId',
  clientId: 'clientId',
  reportId: 'reportId',
  findingId: 'findingId',
  key: 'importKey',
  requestId: 'requestId',
  repositoryId: 'repositoryId',
  writeupId: 'writeupId',
  questionnaireId: 'questionnaireId',
  assessmentId: 'assessmentId',
  name: 'uploadName',
  actionId: 'toolId',
  source: { literal: 'nessus' },
  parserId: { literal: 'nessus' },
  objects: { literal: 'clients' },
};

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const fileForm = (field: string, name: string, content: Uint8Array<ArrayBuffer> | string) => () => {
  const form = new FormData();
  form.append(field, new Blob([content]), name);
  return form;
};
const NESSUS = '<?xml version="1.0"?><NessusClientData_v2><Report name="probe"/></NessusClientData_v2>';
let serial = 0;
const unique = (label: string) => `${label}-${process.pid}-${++serial}`;
/** Fields a careless create handler might take its tenant, owner or parent from. */
const tenantish = (o: TenantIds) => ({ tenantId: o.tenantId, tenant_id: o.tenantId, userId: o.userId, user_id: o.userId, createdBy: o.userId, client_id: o.clientId, clientId: o.clientId });
const flawBody = { title: 'HIJACKED', severity: 'Critical', status: 'Closed', description: 'hijacked' };

export const RULES: Record<string, Rule | Rule[]> = {
  // Probes and login.
  'GET /': { kind: 'public', expect: [200] },
  'GET /api/v1': { kind: 'public', expect: [200] },
  'GET /api/v1/': { kind: 'public', expect: [200] },
  'GET /healthz': { kind: 'public', expect: [200] },
  'POST /api/v1/authenticate': { kind: 'public', build: (_o, email) => ({ body: { username: email, password: 'not-their-password' } }), expect: [401] },
  'POST /api/v1/authenticate/mfa': { kind: 'public', build: () => ({ body: { code: 'not-a-challenge', token: '123456' } }), expect: [401] },
  'PUT /api/v1/token/refresh': { kind: 'self', expect: [200, 403] },

  // The caller's own account.
  'GET /api/v2/users/me': { kind: 'self' },
  'POST /api/v2/users/me/mfa': { kind: 'self', expect: [200, 403, 409] },
  'DELETE /api/v2/users/me/mfa': { kind: 'self', build: () => ({ body: { code: '000000' } }), expect: [403, 409] },
  'POST /api/v2/users/me/mfa/confirm': { kind: 'self', build: () => ({ body: { code: '000000' } }), expect: [400, 403, 409] },
  'GET /api/v2/api-tokens': { kind: 'self' },
  'POST /api/v2/api-tokens': { kind: 'create', build: (o) => ({ body: { name: unique('probe token'), ...tenantish(o) } }) },
  'DELETE /api/v2/api-tokens/{id}': { kind: 'scoped', params: { id: 'apiTokenId' } },

  // Tenants and their users.
  'POST /api/v2/tenants': { kind: 'instance' },
  'GET /api/v2/tenants': { kind: 'instance' },
  'GET /api/v2/tenants/{tenantId}/users': { kind: 'scoped' },
  'POST /api/v2/tenants/{tenantId}/users': { kind: 'scoped', build: () => ({ body: { email: `${unique('intruder')}@example.com`, role: 'ADMIN', password: 'Intruder-Passw0rd' } }) },
  'PUT /api/v2/tenants/{tenantId}/users/{userId}': { kind: 'scoped', build: () => ({ body: { name: 'HIJACKED', role: 'READ_ONLY', password: 'Hijacked-Passw0rd' } }) },
  'POST /api/v2/tenants/{tenantId}/users/{userId}/deactivate': { kind: 'scoped' },
  'POST /api/v2/tenants/{tenantId}/users/{userId}/activate': { kind: 'scoped' },

  // Clients, reports, findings, assets.
  'POST /api/v1/client/create': { kind: 'create', build: (o, m) => ({ body: { name: `probe client of ${m}`, ...tenantish(o) } }) },
  'GET /api/v1/client/list': { kind: 'list' },
  'GET /api/v1/client/{clientId}': { kind: 'scoped' },
  'POST /api/v1/client/{clientId}/report/create': { kind: 'scoped', build: () => ({ body: { name: 'HIJACKED report' } }) },
  'GET /api/v1/client/{clientId}/reports': { kind: 'scoped' },
  'GET /api/v1/client/{clientId}/report/{reportId}': { kind: 'scoped' },
  'GET /api/v1/client/{clientId}/report/{reportId}/flaws': { kind: 'scoped' },
  'GET /api/v1/client/{clientId}/report/{reportId}/flaw/{findingId}': { kind: 'scoped' },
  'PUT /api/v1/client/{clientId}/report/{reportId}/flaw/{findingId}': { kind: 'scoped', build: () => ({ body: flawBody }) },
  'DELETE /api/v1/client/{clientId}/report/{reportId}/flaw/{findingId}': { kind: 'scoped' },
  'POST /api/v1/client/{clientId}/report/{reportId}/flaw/create': { kind: 'scoped', build: () => ({ body: { ...flawBody, title: unique('HIJACKED') } }) },
  'GET /api/v1/client/{clientId}/assets': { kind: 'scoped' },

  // Scanner file imports.
  'POST /api/v2/presigned-url': { kind: 'create', build: (o) => ({ body: { name: 'probe.nessus', ...tenantish(o) } }) },
  'POST /api/v2/client/{clientId}/report/{reportId}/preuploaded-import/{source}': [
    { kind: 'scoped', uses: ['uploadKey'], build: (pick) => ({ body: { key: pick('uploadKey') } }) },
    { kind: 'scoped', uses: ['usedUploadKey'], build: (pick) => ({ body: { key: pick('usedUploadKey') } }) },
  ],
  'POST /api/v2/client/{clientId}/report/{reportId}/importAsync/{source}': { kind: 'scoped', build: () => ({ form: fileForm('file', 'probe.nessus', NESSUS) }) },
  'POST /api/v1/client/{clientId}/report/{reportId}/import/{source}': { kind: 'scoped', build: () => ({ form: fileForm('file', 'probe.nessus', NESSUS) }) },
  'GET /api/v2/my-imports': { kind: 'list' },
  'GET /api/v2/my-imports/{key}': { kind: 'scoped' },
  'GET /api/v2/my-imports/{key}/events': { kind: 'scoped' },
  'GET /api/v2/parsers': { kind: 'list' },

  // Bulk imports.
  'POST /api/v1/idm/{firmId}/{objects}/import': { kind: 'scoped', build: () => ({ body: [{ name: 'HIJACKED bulk client' }] }) },
  'GET /api/v1/request/{requestId}': { kind: 'scoped' },

  // Connector imports.
  'GET /api/connectors': { kind: 'list' },
  'POST /api/connectors': { kind: 'create', build: (o, m) => ({ body: { name: `probe connector of ${m}`, fileGroups: [{ name: 'g', columns: [{ name: 'id' }] }], ...tenantish(o) } }) },
  'POST /api/applications': { kind: 'scoped', uses: ['connectorId'], build: (pick) => ({ body: { name: 'HIJACKED application', connectorId: pick('connectorId') } }) },
  'GET /api/applications': { kind: 'list' },
  'GET /api/applications/{id}': { kind: 'scoped', params: { id: 'applicationId' } },
  'POST /api/applications/{id}/archive': { kind: 'scoped', params: { id: 'applicationId' } },
  'GET /api/applications/{id}/accounts': { kind: 'scoped', params: { id: 'applicationId' } },
  'GET /api/applications/{id}/privileges': { kind: 'scoped', params: { id: 'applicationId' } },
  'POST /api/application-imports/upload': [
    {
      kind: 'scoped',
      uses: ['applicationId', 'fileGroupId'],
      build: (pick) => ({ query: `applicationId=${pick('applicationId')}`, form: fileForm(pick('fileGroupId'), 'probe.csv', 'id,email\nx,x@example.com\n') }),
    },
    {
      kind: 'scoped',
      uses: ['applicationId'],
      build: (pick) => ({
        form: () => {
          const form = new FormData();
          form.append('applicationId', pick('applicationId'));
          form.append(pick('fileGroupId'), new Blob(['id,email\nx,x@example.com\n']), 'probe.csv');
          return form;
        },
      }),
    },
  ],
  'POST /api/application-imports/stage': { kind: 'scoped', uses: ['applicationId'], build: (pick) => ({ body: { applicationId: pick('applicationId') } }) },
  'GET /api/application-imports/{id}': { kind: 'scoped', params: { id: 'applicationImportId' } },
  'GET /api/application-imports': [
    { kind: 'list' },
    { kind: 'scoped', uses: ['applicationId'], build: (pick) => ({ query: `applicationId=${pick('applicationId')}` }), bodyExpect: [200, 400, 404] },
  ],
  'POST /api/application-imports/{id}/cancel': { kind: 'scoped', params: { id: 'applicationImportId' } },

  // Webhooks.
  'POST /api/v2/webhooks': { kind: 'create', build: (o) => ({ body: { url: 'https://hooks.example.com/probe', ...tenantish(o) } }) },
  'GET /api/v2/webhooks': { kind: 'list' },
  'DELETE /api/v2/webhooks/{id}': { kind: 'scoped', params: { id: 'webhookId' } },
  'GET /api/v2/webhooks/{id}/deliveries': { kind: 'scoped', params: { id: 'webhookId' } },

  // Images for rich text: by token, and by the session cookie browsers send.
  'POST /api/v1/uploads': { kind: 'create', build: () => ({ form: fileForm('file', 'probe.png', new Uint8Array(PNG)) }) },
  'GET /api/v1/uploads/{name}': [{ kind: 'scoped' }, { kind: 'scoped', build: () => ({ headers: { authorization: '', cookie: 'SESSION' } }) }],

  // WriteupsDB.
  'POST /api/v2/repositories/add': { kind: 'create', build: (o, m) => ({ body: { name: `probe repository of ${m}`, ...tenantish(o) } }) },
  'POST /api/v2/repositories/getAllWriteupsRepositories': { kind: 'list', build: () => ({ body: {} }) },
  'POST /api/v2/repositories/{repositoryId}': { kind: 'scoped', build: () => ({ body: {} }) },
  'POST /api/v2/repositories/{repositoryId}/getWriteups': { kind: 'scoped', build: () => ({ body: {} }) },
  'POST /api/v1/template/create': { kind: 'scoped', uses: ['repositoryId'], build: (pick) => ({ body: { title: 'HIJACKED writeup', severity: 'High', repositoryId: pick('repositoryId') } }) },
  'POST /api/v2/repositories/copyFlawToWriteupsRepository': { kind: 'scoped', uses: ['repositoryId'], build: (pick) => ({ body: { title: 'HIJACKED writeup', severity: 'High', repositoryID: pick('repositoryId') } }) },
  'GET /api/v1/template/list': { kind: 'list' },
  'GET /api/v1/template/{writeupId}': { kind: 'scoped' },
  'DELETE /api/v1/template/{writeupId}': { kind: 'scoped' },

  // Parser actions.
  'GET /api/v2/parser-actions': { kind: 'list' },
  'GET /api/v2/parser-actions/{id}': { kind: 'scoped', params: { id: 'parserActionId' } },
  'PUT /api/v2/parser-actions/{id}': { kind: 'scoped', params: { id: 'parserActionId' }, uses: ['writeupId'], build: (pick) => ({ body: { action: 'LINK', writeupId: pick('writeupId'), severity: 'Critical' } }) },
  'GET /api/v1/tenant/{tenantId}/actions': { kind: 'scoped' },
  'GET /api/v1/tenant/{tenantId}/actions/{parserId}': { kind: 'scoped' },
  'GET /api/v1/tenant/{tenantId}/actions/{parserId}/action/{actionId}': { kind: 'scoped' },
  'PUT /api/v1/tenant/{tenantId}/actions/{parserId}/action/{actionId}': { kind: 'scoped', uses: ['writeupId'], build: (pick) => ({ body: { action: 'LINK', writeupID: pick('writeupId'), severity: 'Critical' } }) },

  // Assessments.
  'POST /api/v2/assessments/questionnaires': { kind: 'create', build: (o, m) => ({ body: { assessment_title: `probe questionnaire of ${m}`, ...tenantish(o) } }) },
  'GET /api/v2/assessments/questionnaires/{questionnaireId}': { kind: 'scoped' },
  'POST /api/v2/assessments/questionnaires/{questionnaireId}/questions': { kind: 'scoped', build: () => ({ body: { title: 'HIJACKED question', text: 'x' } }) },
  'GET /api/v1/tenant/{tenantId}/assessments': { kind: 'scoped' },
  'POST /api/v1/tenant/{tenantId}/client/{clientId}/assessment': {
    kind: 'scoped',
    uses: ['questionnaireId'],
    build: (pick) => ({ body: { questionnaire_id: pick('questionnaireId'), saveOnly: true, answers: [] } }),
  },
  'PUT /api/v1/tenant/{tenantId}/client/{clientId}/assessment/{assessmentId}': {
    kind: 'scoped',
    uses: ['questionId'],
    build: (pick) => ({ body: { saveOnly: true, answers: [{ qid: pick('questionId'), answer: 'HIJACKED', note: 'HIJACKED' }] } }),
  },
  'GET /api/v1/tenant/{tenantId}/client/{clientId}/assessment/{assessmentId}': { kind: 'scoped' },
  'GET /api/v1/tenant/{tenantId}/client/{clientId}/assessments': { kind: 'scoped' },
  'GET /api/v1/client/{clientId}/assessment/{assessmentId}': { kind: 'scoped' },
};

/** For each slot, an id of the same form that names nothing: a foreign id must read exactly like it. */
export const ABSENT: { [S in Slot]: TenantIds[S] } = {
  tenantId: 999_999_001,
  userId: 999_999_002,
  clientId: 999_999_003,
  reportId: 999_999_004,
  findingId: 999_999_005,
  importKey: '00000000-0000-4000-8000-000000000001',
  uploadKey: 'cnothing000000000000000000/nothing.nessus',
  usedUploadKey: 'cnothing000000000000000001/nothing.nessus',
  uploadName: '00000000-0000-4000-8000-000000000002.png',
  requestId: 'import-00000000-0000-4000-8000-000000000003',
  idempotencyKey: 'nothing',
  applicationId: '00000000-0000-4000-8000-000000000004',
  connectorId: '00000000-0000-4000-8000-000000000005',
  fileGroupId: '00000000-0000-4000-8000-000000000006',
  applicationImportId: '00000000-0000-4000-8000-000000000007',
  webhookId: '00000000-0000-4000-8000-000000000008',
  apiTokenId: 999_999_006,
  repositoryId: 'cnothing00000000000000000z',
  writeupId: 999_999_007,
  parserActionId: 999_999_008,
  toolId: '999999009',
  questionnaireId: 999_999_010,
  questionId: 'cnothing00000000000000000y',
  assessmentId: 999_999_011,
};

/** Routes the OpenAPI document does not list (hidden on purpose), and why no tenant id reaches them. */
export const HIDDEN_ROUTES = {
  'GET /metrics': 'aggregates only, no tenant label (checked: holds no tenant fingerprint)',
  'GET /openapi.json, GET /docs/*, GET /ui/*': 'static documents and files, the same for everyone',
  'PUT|GET /cloud/uploads/*': 'authorised by the URL signature (a capability bound to one key, method, size and expiry), not by tenant',
};
