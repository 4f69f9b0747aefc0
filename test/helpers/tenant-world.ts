/**
 * A tenant with data in every domain, made through the public API only (for the cross-tenant
 * suite): users of each role, an API token, a webhook, a client and report with findings and
 * assets from a real Nessus import, a manual finding, an unused and a used upload key, an image,
 * a WriteupsDB repository and writeup, parser actions (one LINKed), a questionnaire and a client
 * assessment, a completed bulk import, a connector, an application and a finished application
 * import. Every name carries the tenant's marker, so that any answer holding another tenant's data
 * can be recognised; `snapshot` reads all of it back through the API, to prove nothing changed.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ApiClient } from './api-client.js';
import { waitForRequest } from './bulk-import-suite.js';
import { waitForBuild } from './connector-suite.js';

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export interface TenantIds {
  tenantId: number;
  userId: number;
  clientId: number;
  reportId: number;
  findingId: number;
  importKey: string;
  uploadKey: string;
  usedUploadKey: string;
  uploadName: string;
  requestId: string;
  idempotencyKey: string;
  applicationId: string;
  connectorId: string;
  fileGroupId: string;
  applicationImportId: string;
  webhookId: string;
  apiTokenId: number;
  repositoryId: string;
  writeupId: number;
  parserActionId: number;
  toolId: string;
  questionnaireId: number;
  questionId: string;
  assessmentId: number;
}

export type Slot = keyof TenantIds;

export interface TenantWorld {
  marker: string;
  /** The tenant admin's session. */
  admin: ApiClient;
  adminEmail: string;
  reader: ApiClient;
  /** An ANALYST of the tenant: writes, but manages neither users nor webhooks. */
  analyst: ApiClient;
  /** The admin's personal API token, as a client. */
  viaApiToken: ApiClient;
  isInstanceAdmin: boolean;
  passwords: Map<string, string>;
  ids: TenantIds;
  /** Strings only this tenant's data contains: none may reach another tenant. */
  fingerprints: string[];
  bulkBody: unknown[];
}

/** A Nessus file of the tenant's own: its hosts and plugin names carry the marker, its plugin ids are its own. */
export function nessusFor(marker: string, pluginBase: number): string {
  const items = [0, 1, 2]
    .map((i) => `<ReportItem port="${443 + i}" svc_name="www" protocol="tcp" severity="${i + 1}" pluginID="${pluginBase + i}" pluginName="${marker} weakness ${i}" pluginFamily="General"><description>${marker} description ${i}</description><plugin_output>${marker} evidence ${i}</plugin_output></ReportItem>`)
    .join('\n');
  return `<?xml version="1.0" ?>
<NessusClientData_v2><Report name="${marker} scan">
<ReportHost name="${marker}-web.example.test"><HostProperties><tag name="host-ip">10.9.${pluginBase % 250}.5</tag><tag name="host-fqdn">${marker}-web.example.test</tag></HostProperties>
${items}
</ReportHost>
</Report></NessusClientData_v2>`;
}

export async function seedTenant(
  baseUrl: string,
  admin: ApiClient,
  options: { marker: string; adminEmail: string; adminPassword: string; isInstanceAdmin: boolean; pluginBase: number; hookUrl: string },
): Promise<TenantWorld> {
  const { marker } = options;
  const passwords = new Map([[options.adminEmail, options.adminPassword]]);
  const me = (await admin.ok('GET', '/api/v2/users/me')).user;
  const tenantId: number = me.tenantId;

  const person = async (role: string) => {
    const email = `${marker}-${role.toLowerCase()}@example.com`;
    const password = `Pw-${marker}-${role}`;
    const created = await admin.ok('POST', `/api/v2/tenants/${tenantId}/users`, { email, name: `${marker} ${role}`, role, password });
    passwords.set(email, password);
    const api = new ApiClient(baseUrl);
    await api.login(email, password);
    return { id: created.user.id as number, api };
  };
  const analyst = await person('ANALYST');
  const reader = (await person('READ_ONLY')).api;

  const apiToken = await admin.ok('POST', '/api/v2/api-tokens', { name: `${marker} token` });
  const viaApiToken = new ApiClient(baseUrl);
  viaApiToken.token = `Bearer ${apiToken.token}`;
  const webhook = await admin.ok('POST', '/api/v2/webhooks', { url: `${options.hookUrl}/${marker}` });

  const { clientId, reportId } = await admin.createClientAndReport(`${marker} client`);
  const nessus = nessusFor(marker, options.pluginBase);
  const used = await admin.upload(`${marker}.nessus`, nessus);
  const started = await admin.ok('POST', `/api/v2/client/${clientId}/report/${reportId}/preuploaded-import/nessus`, { key: used.key, fileName: `${marker}.nessus` });
  const imported = await admin.waitForImport(started.operationId);
  assert.equal(imported.status, 'IMPORT COMPLETE', imported.error_status);
  const unused = await admin.upload(`${marker}-unused.nessus`, nessus);
  const flaws = await admin.ok<any[]>('GET', `/api/v1/client/${clientId}/report/${reportId}/flaws`);
  const findingId: number = flaws[0].data[0];
  await admin.ok('POST', `/api/v1/client/${clientId}/report/${reportId}/flaw/create`, { title: `${marker} manual finding`, severity: 'High', status: 'Open', description: `<p>${marker} manual</p>` });

  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), `${marker}.png`);
  const image = await admin.ok('POST', '/api/v1/uploads', form);
  const uploadName = String(image.fileUrl).replace(/^uploads\//, '');

  const repository = await admin.ok('POST', '/api/v2/repositories/add', { name: `${marker} repository` });
  const flaw = await admin.ok('GET', `/api/v1/client/${clientId}/report/${reportId}/flaw/${findingId}`);
  const writeup = await admin.ok('POST', '/api/v1/template/create', { ...flaw, repositoryId: repository.repositoryId });
  const actions = (await admin.ok('GET', '/api/v2/parser-actions?source=nessus')).data as any[];
  const action = actions.find((a) => a.toolId === String(options.pluginBase));
  assert.ok(action, `a parser action for plugin ${options.pluginBase}`);
  await admin.ok('PUT', `/api/v2/parser-actions/${action.id}`, { action: 'LINK', writeupId: writeup.doc_id, severity: 'Low' });

  const questionnaire = await admin.ok('POST', '/api/v2/assessments/questionnaires', { assessment_title: `${marker} questionnaire`, questions: [{ title: `${marker} Q1`, text: `${marker} question` }] });
  const questionId: string = questionnaire.data.questions[0].qid;
  const assessment = await admin.ok('POST', `/api/v1/tenant/${tenantId}/client/${clientId}/assessment`, {
    questionnaire_id: questionnaire.questionnaire_id,
    saveOnly: true,
    answers: [{ qid: questionId, answer: 'Yes', note: `${marker} note` }],
  });

  const bulkBody = [{ name: `${marker} bulk client` }];
  const idempotencyKey = `${marker}-idempotency`;
  const bulk = await admin.request('POST', `/api/v1/idm/${tenantId}/clients/import`, bulkBody, { 'idempotency-key': idempotencyKey });
  assert.equal(bulk.status, 200, bulk.text);
  assert.equal((await waitForRequest(admin, bulk.body.requestId)).status, 'Completed');

  const connector = await admin.ok('POST', '/api/connectors', {
    name: `${marker} connector`,
    fileGroups: [{ name: `${marker} accounts`, role: 'accounts', accountColumn: 'id', columns: [{ name: 'id', required: true }, { name: 'email' }] }],
  });
  const fileGroupId: string = connector.fileGroups[0].id;
  const application = await admin.ok('POST', '/api/applications', { name: `${marker} application`, connectorId: connector.id });
  const csv = new FormData();
  csv.append(fileGroupId, new Blob([`id,email\n${marker}-1,${marker}-1@example.com\n`]), `${marker}.csv`);
  const appImport = await admin.request('POST', `/api/application-imports/upload?applicationId=${application.id}`, csv);
  assert.equal(appImport.status, 201, appImport.text);
  assert.equal((await waitForBuild(admin, appImport.body.id)).status, 'Finished');

  const ids: TenantIds = {
    tenantId,
    userId: analyst.id,
    clientId,
    reportId,
    findingId,
    importKey: started.operationId,
    uploadKey: unused.key,
    usedUploadKey: used.key,
    uploadName,
    requestId: bulk.body.requestId,
    idempotencyKey,
    applicationId: application.id,
    connectorId: connector.id,
    fileGroupId,
    applicationImportId: appImport.body.id,
    webhookId: webhook.id,
    apiTokenId: apiToken.id,
    repositoryId: repository.repositoryId,
    writeupId: writeup.doc_id,
    parserActionId: action.id,
    toolId: action.toolId,
    questionnaireId: questionnaire.questionnaire_id,
    questionId,
    assessmentId: assessment.assess_id,
  };
  const fingerprints = [
    marker,
    ids.importKey,
    ids.uploadKey,
    ids.usedUploadKey,
    ids.uploadName,
    ids.requestId,
    ids.applicationId,
    ids.connectorId,
    ids.fileGroupId,
    ids.applicationImportId,
    ids.webhookId,
    ids.repositoryId,
    ids.questionId,
    apiToken.token,
    webhook.secret,
    ...passwords.values(),
  ];
  return { marker, admin, adminEmail: options.adminEmail, reader, analyst: analyst.api, viaApiToken, isInstanceAdmin: options.isInstanceAdmin, passwords, ids, fingerprints, bulkBody };
}

/** Everything the tenant has, read through its admin's API: equal snapshots mean nothing changed. */
export async function snapshot(world: TenantWorld): Promise<Record<string, unknown>> {
  const api = world.admin;
  const { tenantId } = world.ids;
  const out: Record<string, unknown> = {};
  const read = async (path: string, method = 'GET', body?: unknown) => {
    const res = await api.request(method, path, body);
    assert.equal(res.status, 200, `snapshot ${method} ${path}: ${res.text.slice(0, 300)}`);
    out[`${method} ${path}`] = res.body;
    return res.body;
  };

  for (const client of await read('/api/v1/client/list')) {
    const c = client.doc_id[0];
    await read(`/api/v1/client/${c}`);
    await read(`/api/v1/client/${c}/assets`);
    for (const report of await read(`/api/v1/client/${c}/reports`)) {
      const r = report.data[0];
      await read(`/api/v1/client/${c}/report/${r}`);
      for (const flaw of await read(`/api/v1/client/${c}/report/${r}/flaws`)) await read(`/api/v1/client/${c}/report/${r}/flaw/${flaw.data[0]}`);
    }
    for (const assessment of await read(`/api/v1/tenant/${tenantId}/client/${c}/assessments`)) {
      await read(`/api/v1/tenant/${tenantId}/client/${c}/assessment/${assessment.assess_id}`);
    }
  }
  for (const row of await read('/api/v2/my-imports')) await read(`/api/v2/my-imports/${row.key}`);
  await read(`/api/v1/request/${world.ids.requestId}`);
  await read('/api/connectors');
  for (const application of await read('/api/applications')) {
    await read(`/api/applications/${application.id}`);
    await read(`/api/applications/${application.id}/accounts`);
    await read(`/api/applications/${application.id}/privileges`);
  }
  for (const item of (await read('/api/application-imports')).items) await read(`/api/application-imports/${item.id}`);
  const tokens = (await api.ok('GET', '/api/v2/api-tokens')).data;
  // Using a token records its last use: that may change; nothing else about it may.
  out['GET /api/v2/api-tokens'] = tokens.map(({ lastUsedAt: _ignored, ...rest }: any) => rest);
  for (const hook of await read('/api/v2/webhooks')) await read(`/api/v2/webhooks/${hook.id}/deliveries`);
  const image = await fetch(`${api.baseUrl}/api/v1/uploads/${world.ids.uploadName}`, { headers: { authorization: api.token! } });
  assert.equal(image.status, 200);
  out.image = createHash('sha256').update(Buffer.from(await image.arrayBuffer())).digest('hex');
  for (const repository of (await read('/api/v2/repositories/getAllWriteupsRepositories', 'POST', {})).data) {
    await read(`/api/v2/repositories/${repository.repositoryId}`, 'POST', {});
    await read(`/api/v2/repositories/${repository.repositoryId}/getWriteups`, 'POST', {});
  }
  for (const writeup of await read('/api/v1/template/list')) await read(`/api/v1/template/${writeup.doc_id}`);
  await read('/api/v2/parser-actions?limit=1000');
  await read(`/api/v1/tenant/${tenantId}/actions/nessus?limit=1000`);
  for (const q of await read(`/api/v1/tenant/${tenantId}/assessments`)) await read(`/api/v2/assessments/questionnaires/${q.questionnaire_id}`);
  await read(`/api/v2/tenants/${tenantId}/users?limit=500`);
  await read('/api/v2/users/me');
  return out;
}

/** Every user of the tenant can still log in with the password it was given. */
export async function assertLoginsWork(baseUrl: string, world: TenantWorld): Promise<void> {
  for (const [email, password] of world.passwords) {
    const res = await new ApiClient(baseUrl).request('POST', '/api/v1/authenticate', { username: email, password });
    assert.equal(res.status, 200, `${email} can still log in: ${res.text}`);
  }
}

export const randomMarker = (name: string) => `${name}${randomBytes(3).toString('hex')}`;
