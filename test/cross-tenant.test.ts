/**
 * Tenant isolation, over real HTTP against a real `intake serve` and its worker. Two tenants
 * (the second made by the instance admin through POST /api/v2/tenants) each get data in every
 * domain; then every route of the OpenAPI document — so a route added later is covered, or fails
 * the suite for want of a rule (helpers/probe-rules.ts) — is called by each tenant's admin (the
 * first is also the instance admin), READ_ONLY user and API token with the other tenant's ids,
 * keys, request ids and import ids, alone and mixed with their own. Nothing may answer 2xx or
 * show the other tenant's data, and snapshots of both tenants, read through their own API before
 * and after, must be equal. Creating with the other tenant's ids in the body creates in the
 * caller's tenant only; idempotency keys and webhooks stay within their tenant. Roles: with its
 * own tenant's ids, a READ_ONLY user gets 403 on every write route, an ANALYST on the ADMIN-only ones.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, ADMIN, type IntakeProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { ApiClient } from './helpers/api-client.js';
import { sleep } from './helpers/ports.js';
import { parseCsv, waitForRequest } from './helpers/bulk-import-suite.js';
import { assertLoginsWork, randomMarker, seedTenant, snapshot, type Slot, type TenantWorld } from './helpers/tenant-world.js';
import { ABSENT, PARAM_SLOTS, RULES, type Pick, type ProbeRequest, type Rule } from './helpers/probe-rules.js';

interface Prober {
  label: string;
  api: ApiClient;
  /** A session token of the prober's tenant, for the cookie-authenticated route. */
  session: string;
  world: TenantWorld;
  readOnly: boolean;
  isInstanceAdmin: boolean;
}

interface Route {
  method: string;
  path: string;
}

const BRAVO_PASSWORD = 'Bravo-Admin-Passw0rd';

describe('cross-tenant isolation', () => {
  let db: TestDatabase;
  let dataDir: string;
  let intake: IntakeProcess;
  let hooks: Server;
  const received = new Map<string, string[]>();
  let alpha: TenantWorld;
  let bravo: TenantWorld;
  let routes: Route[];
  const before1 = new Map<TenantWorld, Record<string, unknown>>();

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-tenants-'));
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.set(req.url ?? '', [...(received.get(req.url ?? '') ?? []), body]);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hooks.address() as { port: number }).port}/hook`;
    intake = await startIntake({
      DATABASE_URL: db.url,
      INTAKE_DATA_DIR: dataDir,
      INTAKE_WORKERS: '1',
      INTAKE_WEBHOOK_ALLOW_PRIVATE: 'true',
      // A wrongly accepted synchronous import must not hold a probe for long.
      INTAKE_SYNC_IMPORT_TIMEOUT_SECONDS: '3',
      // The probes include failed MFA codes and logins, all from 127.0.0.1.
      INTAKE_AUTH_FAILURES_PER_ADDRESS: '100000',
    });

    const alphaMarker = randomMarker('alpha');
    const bravoMarker = randomMarker('bravo');
    alpha = await seedTenant(intake.baseUrl, intake.admin, { marker: alphaMarker, adminEmail: ADMIN.email, adminPassword: ADMIN.password, isInstanceAdmin: true, pluginBase: 71000, hookUrl });
    const bravoEmail = `${bravoMarker}-admin@example.com`;
    await intake.admin.ok('POST', '/api/v2/tenants', { name: `${bravoMarker} tenant`, admin: { email: bravoEmail, password: BRAVO_PASSWORD } });
    const bravoAdmin = new ApiClient(intake.baseUrl);
    await bravoAdmin.login(bravoEmail, BRAVO_PASSWORD);
    bravo = await seedTenant(intake.baseUrl, bravoAdmin, { marker: bravoMarker, adminEmail: bravoEmail, adminPassword: BRAVO_PASSWORD, isInstanceAdmin: false, pluginBase: 72000, hookUrl });
    assert.notEqual(alpha.ids.tenantId, bravo.ids.tenantId);

    // Webhook deliveries settle first, so that the snapshots hold still.
    for (const world of [alpha, bravo]) {
      for (let i = 0; ; i++) {
        const deliveries = await world.admin.ok<any[]>('GET', `/api/v2/webhooks/${world.ids.webhookId}/deliveries`);
        if (deliveries.length > 0 && deliveries.every((d) => d.status === 'delivered')) break;
        assert.ok(i < 200, `webhook deliveries of ${world.marker} did not settle: ${JSON.stringify(deliveries)}`);
        await sleep(100);
      }
    }
    const doc = (await intake.admin.ok('GET', '/openapi.json')) as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
    for (const world of [alpha, bravo]) before1.set(world, await snapshot(world));
  });

  after(async () => {
    hooks?.close();
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const keyOf = (route: Route) => `${route.method} ${route.path}`;
  const rulesOf = (route: Route): Rule[] => [RULES[keyOf(route)] ?? []].flat();

  function probersOf(world: TenantWorld): Prober[] {
    const session = world.admin.token!;
    return [
      { label: `${world.marker} admin${world.isInstanceAdmin ? ' (instance admin)' : ''}`, api: world.admin, session, world, readOnly: false, isInstanceAdmin: world.isInstanceAdmin },
      { label: `${world.marker} READ_ONLY user`, api: world.reader, session: world.reader.token!, world, readOnly: true, isInstanceAdmin: false },
      { label: `${world.marker} API token`, api: world.viaApiToken, session, world, readOnly: false, isInstanceAdmin: world.isInstanceAdmin },
    ];
  }

  /** Sends one probe; answers within 10 s or counts as a failure (a stream or a wait was opened). */
  async function send(prober: Prober, method: string, path: string, request: ProbeRequest): Promise<{ status: number; text: string; sent: string }> {
    const headers: Record<string, string> = { authorization: prober.api.token ?? '' };
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name] = name === 'cookie' ? `token=${prober.session}` : value;
    let body: BodyInit | undefined;
    let formFields = '';
    if (request.form) {
      const form = request.form();
      formFields = [...form.keys()].join(' ');
      body = form;
    } else if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const url = `${path}${request.query ? `?${request.query}` : ''}`;
    // What the request itself carried: an answer may echo it (as in "no application <id>") without leaking.
    const sent = `${url} ${request.body === undefined ? '' : JSON.stringify(request.body)} ${formFields}`;
    try {
      const res = await fetch(intake.baseUrl + url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
      return { status: res.status, text: await res.text(), sent };
    } catch (error) {
      return { status: 0, text: `no answer: ${(error as Error).message}`, sent };
    }
  }

  /** The other tenant's fingerprints found in an answer, except those the request itself carried. */
  function leaks(answer: string, sent: string, other: TenantWorld): string[] {
    return other.fingerprints.filter((f) => !sent.includes(f) && answer.includes(f));
  }

  /** Fills a path's parameters; `pick` chooses whose id goes in each slot. */
  function fillPath(path: string, params: Record<string, Slot | { literal: string }>, pick: Pick): string {
    return path.replace(/\{(\w+)\}/g, (_match, name: string) => {
      const slot = params[name];
      assert.ok(slot, `no slot for {${name}} in ${path}: name it in the rule's params`);
      return encodeURIComponent(String(typeof slot === 'object' ? slot.literal : pick(slot)));
    });
  }

  /** Runs every rule of every route for one prober against the other tenant; returns what went wrong. */
  async function probeAll(prober: Prober, other: TenantWorld): Promise<{ failures: string[]; probes: number }> {
    const failures: string[] = [];
    let probes = 0;
    const own = prober.world.ids;
    const foreign = other.ids;
    const fail = (route: Route, what: string) => failures.push(`${prober.label} → ${keyOf(route)}: ${what}`);

    for (const route of routes) {
      for (const rule of rulesOf(route)) {
        if (rule.kind === 'create') continue; // phase 2
        if (rule.kind === 'instance') {
          // Managing tenants is the instance admin's job: it lists them (name, user count); it is not made to create one here.
          if (prober.isInstanceAdmin && route.method !== 'GET') continue;
          const res = await send(prober, route.method, route.path, route.method === 'POST' ? { body: { name: 'probe', admin: { email: 'probe-tenant@example.com' } } } : {});
          probes++;
          const expected = prober.isInstanceAdmin ? 200 : 403;
          if (res.status !== expected) fail(route, `expected ${expected}, got ${res.status}: ${res.text.slice(0, 200)}`);
          continue;
        }
        if (rule.kind !== 'scoped') {
          const request = rule.kind === 'public' ? (rule.build?.(foreign, other.adminEmail) ?? {}) : (rule.build?.((slot) => own[slot]) ?? {});
          const res = await send(prober, route.method, route.path, request);
          probes++;
          const expected = rule.kind === 'public' ? rule.expect : (rule.expect ?? [200]);
          if (!expected.includes(res.status)) fail(route, `expected ${expected.join(' or ')}, got ${res.status}: ${res.text.slice(0, 200)}`);
          const leaked = leaks(res.text, res.sent, other);
          if (leaked.length > 0) fail(route, `answer holds the other tenant's ${leaked.join(', ')}`);
          continue;
        }

        const params = { ...PARAM_SLOTS, ...rule.params };
        const pathSlots = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => params[m[1]!]).filter((s): s is Slot => typeof s === 'string');
        const slots = [...new Set([...pathSlots, ...(rule.uses ?? [])])];
        assert.ok(slots.length > 0, `${keyOf(route)} is scoped but names no id`);
        // One variant per slot (that slot foreign, the others the caller's own), and one all foreign.
        const variants: Slot[][] = slots.map((s) => [s]);
        if (slots.length > 1) variants.push(slots);
        for (const foreignSlots of variants) {
          const pick: Pick = (slot) => (foreignSlots.includes(slot) ? foreign[slot] : own[slot]);
          const request = rule.build?.(pick) ?? {};
          const path = fillPath(route.path, params, pick);
          const res = await send(prober, route.method, path, request);
          const inPath = foreignSlots.some((s) => pathSlots.includes(s));
          const expected = [...(inPath ? [404] : (rule.bodyExpect ?? [400, 404])), ...(prober.readOnly ? [403] : [])];
          const label = `${path} with the other tenant's ${foreignSlots.join(' + ')}`;
          if (!expected.includes(res.status)) fail(route, `${label}: expected ${expected.join(' or ')}, got ${res.status}: ${res.text.slice(0, 300)}`);
          const leaked = leaks(res.text, res.sent, other);
          if (leaked.length > 0) fail(route, `${label}: answer holds the other tenant's ${leaked.join(', ')}`);
          if (foreignSlots.length === 1) {
            // Another tenant's object must be indistinguishable from one that does not exist.
            const slot = foreignSlots[0]!;
            const absentPick: Pick = (s) => (s === slot ? ABSENT[s] : own[s]);
            const absent = await send(prober, route.method, fillPath(route.path, params, absentPick), rule.build?.(absentPick) ?? {});
            // The two ids differ, and so may numbers (ids of the caller's own objects are the same in both).
            const shape = (text: string, id: unknown) =>
              (typeof id === 'number' ? text : text.split(String(id)).join('<id>')).replace(/"correlationId":"\w+"/, '').replace(/\d+/g, 'N');
            if (absent.status !== res.status || shape(absent.text, ABSENT[slot]) !== shape(res.text, foreign[slot])) {
              fail(route, `${label}: answers ${res.status} ${res.text.slice(0, 200)}, but for an absent ${slot} ${absent.status} ${absent.text.slice(0, 200)}`);
            }
          }
          probes += 2;
        }
      }
    }
    return { failures, probes };
  }

  test('every route of the OpenAPI document has a probe rule, and every rule a route', () => {
    assert.ok(routes.length > 80, `${routes.length} routes`);
    assert.deepEqual(routes.filter((r) => !(keyOf(r) in RULES)).map(keyOf), [], 'routes without a probe rule (add one to test/helpers/probe-rules.ts)');
    const known = new Set(routes.map(keyOf));
    assert.deepEqual(Object.keys(RULES).filter((k) => !known.has(k)), [], 'rules for routes that no longer exist');
  });

  for (const [from, to] of [['bravo', 'alpha'], ['alpha', 'bravo']] as const) {
    test(`${from}'s admin, READ_ONLY user and API token get 404 for every id of ${to}, alone or mixed with their own, as for absent ones, and never see its data`, async (t) => {
      const [prober, target] = from === 'bravo' ? [bravo, alpha] : [alpha, bravo];
      const failures: string[] = [];
      let probes = 0;
      for (const p of probersOf(prober)) {
        const outcome = await probeAll(p, target);
        failures.push(...outcome.failures);
        probes += outcome.probes;
      }
      t.diagnostic(`${probes} requests with ${to}'s ids`);
      assert.deepEqual(failures, []);
    });
  }

  /**
   * Routes that do not change tenant data although their method is not GET: logging in, the
   * caller's own credentials (MFA, refresh, personal API tokens: "theirs whatever the role"), and
   * PlexTrac's reads by POST. Every other non-GET route is a write.
   */
  const NOT_WRITES = new Set([
    'POST /api/v1/authenticate',
    'POST /api/v1/authenticate/mfa',
    'PUT /api/v1/token/refresh',
    'POST /api/v2/users/me/mfa',
    'POST /api/v2/users/me/mfa/confirm',
    'DELETE /api/v2/users/me/mfa',
    'POST /api/v2/api-tokens',
    'DELETE /api/v2/api-tokens/{id}',
    'POST /api/v2/repositories/getAllWriteupsRepositories',
    'POST /api/v2/repositories/{repositoryId}',
    'POST /api/v2/repositories/{repositoryId}/getWriteups',
  ]);
  /** Writes that manage the tenant's people and integrations: ADMIN only, so an ANALYST gets 403 too. */
  const ADMIN_ONLY = new Set([
    'POST /api/v2/tenants/{tenantId}/users',
    'PUT /api/v2/tenants/{tenantId}/users/{userId}',
    'POST /api/v2/tenants/{tenantId}/users/{userId}/deactivate',
    'POST /api/v2/tenants/{tenantId}/users/{userId}/activate',
    'POST /api/v2/webhooks',
    'DELETE /api/v2/webhooks/{id}',
    'POST /api/connectors',
  ]);

  /** A write route's request with the caller's own ids: what a legitimate writer would send. */
  function ownRequest(route: Route, rule: Rule, world: TenantWorld): { path: string; request: ProbeRequest } {
    const own: Pick = (slot) => world.ids[slot];
    const params = { ...PARAM_SLOTS, ...(rule.kind === 'scoped' ? rule.params : {}) };
    const path = route.path.includes('{') ? fillPath(route.path, params, own) : route.path;
    if (rule.kind === 'create') return { path, request: rule.build(world.ids, world.marker) };
    if (rule.kind === 'instance') return { path, request: { body: { name: 'probe', admin: { email: 'role-probe@example.com' } } } };
    if (rule.kind === 'scoped' || rule.kind === 'list' || rule.kind === 'self') return { path, request: rule.build?.(own) ?? {} };
    return { path, request: {} };
  }

  test('roles on every write route: READ_ONLY gets 403 with its own tenant\'s ids, and ANALYST too where only ADMIN may write', async () => {
    const writes = routes.filter((r) => r.method !== 'GET' && !NOT_WRITES.has(keyOf(r)));
    assert.ok(writes.length > 30, `${writes.length} write routes`);
    assert.deepEqual([...ADMIN_ONLY].filter((k) => !writes.some((r) => keyOf(r) === k)), [], 'ADMIN_ONLY names routes that exist');
    const failures: string[] = [];
    for (const world of [alpha, bravo]) {
      const callers = [
        { label: `${world.marker} READ_ONLY user`, api: world.reader, session: world.reader.token!, applies: () => true },
        { label: `${world.marker} ANALYST`, api: world.analyst, session: world.analyst.token!, applies: (route: Route) => ADMIN_ONLY.has(keyOf(route)) },
      ];
      for (const caller of callers) {
        const prober: Prober = { label: caller.label, api: caller.api, session: caller.session, world, readOnly: true, isInstanceAdmin: false };
        for (const route of writes.filter(caller.applies)) {
          for (const rule of rulesOf(route)) {
            const { path, request } = ownRequest(route, rule, world);
            const res = await send(prober, route.method, path, request);
            const code = rule.kind === 'instance' ? 'FORBIDDEN_INSTANCE_ADMIN' : 'FORBIDDEN_ROLE';
            // Spec 3's routes spell the code in their own error body (`error: "forbidden_role"`).
            let answered: string | undefined;
            try {
              const body = JSON.parse(res.text) as { code?: string; error?: string };
              answered = body.code ?? body.error?.toUpperCase();
            } catch {
              answered = undefined;
            }
            if (res.status !== 403 || answered !== code) failures.push(`${caller.label} → ${keyOf(route)} (${path}): expected 403 ${code}, got ${res.status}: ${res.text.slice(0, 200)}`);
          }
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  test('after all the probes, both tenants have exactly what they had, and every user still logs in', async () => {
    for (const world of [alpha, bravo]) {
      assert.deepEqual(await snapshot(world), before1.get(world), `${world.marker} changed`);
      await assertLoginsWork(intake.baseUrl, world);
    }
  });

  test("creating with the other tenant's ids in every tenant-ish field creates in the caller's tenant only", async () => {
    for (const [maker, other] of [[bravo, alpha], [alpha, bravo]] as const) {
      const otherBefore = await snapshot(other);
      const failures: string[] = [];
      for (const route of routes) {
        for (const rule of rulesOf(route)) {
          if (rule.kind !== 'create') continue;
          const prober = probersOf(maker)[0]!;
          const request = rule.build(other.ids, maker.marker);
          const res = await send(prober, route.method, route.path, request);
          if (res.status < 200 || res.status >= 300) failures.push(`${keyOf(route)}: expected 2xx, got ${res.status}: ${res.text.slice(0, 200)}`);
          const leaked = leaks(res.text, res.sent, other);
          if (leaked.length > 0) failures.push(`${keyOf(route)}: answer holds the other tenant's ${leaked.join(', ')}`);
        }
      }
      assert.deepEqual(failures, []);
      assert.deepEqual(await snapshot(other), otherBefore, `${other.marker} changed when ${maker.marker} created things`);
      const clients = await maker.admin.ok<any[]>('GET', '/api/v1/client/list');
      assert.ok(clients.some((c) => c.data[1] === `probe client of ${maker.marker}`), `the client was made in ${maker.marker}'s tenant`);
    }
  });

  test("bulk objects naming the other tenant's clients and reports fail one by one, as absent ones do; nothing is made there", async () => {
    const alphaBefore = await snapshot(alpha);
    const firm = bravo.ids.tenantId;
    const { clientId: aClient, reportId: aReport } = alpha.ids;
    const finding = { title: 'HIJACKED bulk finding', severity: 'High' };
    // Pairs: [the other tenant's object, an absent one] must fail with the same words.
    const cases: [string, unknown[]][] = [
      ['assets', [{ clientId: aClient, asset: 'hijacked-host' }, { clientId: 999_999, asset: 'hijacked-host' }]],
      ['findings', [{ clientId: aClient, reportId: aReport, ...finding }, { clientId: 999_999, reportId: aReport, ...finding }]],
      ['findings', [{ clientId: bravo.ids.clientId, reportId: aReport, ...finding }, { clientId: bravo.ids.clientId, reportId: 999_999, ...finding }]],
    ];
    for (const [kind, objects] of cases) {
      const started = await bravo.admin.ok('POST', `/api/v1/idm/${firm}/${kind}/import`, objects);
      const done = await waitForRequest(bravo.admin, started.requestId);
      assert.equal(done.status, 'Completed', JSON.stringify(done));
      assert.deepEqual(done.result.summary, { total: 2, created: 0, failed: 2 }, kind);
      const report = await (await fetch(done.result.reportUrl)).text();
      assert.deepEqual(leaks(report, JSON.stringify(objects), alpha), [], `the ${kind} report holds alpha's data`);
      const [, foreignRow, absentRow] = parseCsv(report);
      const words = (row: string[] | undefined) => row?.find((cell) => /exist|not found/i.test(cell))?.replace(/\d+/g, 'N');
      assert.ok(words(foreignRow), `${kind}: ${report}`);
      assert.equal(words(foreignRow), words(absentRow), `${kind}: ${report}`);
    }
    assert.deepEqual(await snapshot(alpha), alphaBefore);
  });

  test("an Idempotency-Key of another tenant's request names nothing of theirs", async () => {
    const res = await bravo.admin.request('POST', `/api/v1/idm/${bravo.ids.tenantId}/clients/import`, alpha.bulkBody, { 'idempotency-key': alpha.ids.idempotencyKey });
    assert.equal(res.status, 200, res.text);
    assert.notEqual(res.body.requestId, alpha.ids.requestId, "bravo got a request of its own, not alpha's");
    assert.equal((await alpha.admin.request('GET', `/api/v1/request/${res.body.requestId}`)).status, 404);
    assert.equal((await bravo.admin.request('GET', `/api/v1/request/${alpha.ids.requestId}`)).status, 404);
  });

  test("webhooks reach only their own tenant's receiver, with their own tenant's imports", async () => {
    for (const [world, other] of [[alpha, bravo], [bravo, alpha]] as const) {
      const bodies = received.get(`/hook/${world.marker}`) ?? [];
      assert.ok(bodies.length >= 2, `${world.marker} received its deliveries (${bodies.length})`);
      const own = [world.ids.importKey, world.ids.requestId.replace(/^import-/, '')];
      const theirs = [...(await other.admin.ok<any[]>('GET', '/api/v2/my-imports')).map((r) => r.key), other.ids.requestId.replace(/^import-/, '')];
      const told = bodies.map((body) => JSON.parse(body).data.importId as string);
      for (const id of own) assert.ok(told.includes(id), `${world.marker} was told of its import ${id}`);
      assert.deepEqual(told.filter((id) => theirs.includes(id)), [], `${world.marker} was told of ${other.marker}'s imports`);
      for (const body of bodies) assert.deepEqual(leaks(body, '', other), [], `a delivery to ${world.marker} holds ${other.marker}'s data`);
    }
    assert.deepEqual([...received.keys()].filter((path) => path !== `/hook/${alpha.marker}` && path !== `/hook/${bravo.marker}`), []);
  });

  test('the hidden routes hold no tenant data: /metrics', async () => {
    const metrics = await (await fetch(`${intake.baseUrl}/metrics`)).text();
    for (const world of [alpha, bravo]) assert.deepEqual(leaks(metrics, '', world), []);
  });
});
