/**
 * Configuration is read once, here, from the environment; every variable is validated and all
 * problems are reported together. Nothing else in the code reads process.env.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';

export type StorageConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      endpoint?: string;
      /** Endpoint written into presigned URLs when clients reach S3 by another address (compose, proxies). */
      publicEndpoint?: string;
      bucket: string;
      region: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      forcePathStyle: boolean;
      /** Create the bucket at start when it does not exist (MinIO/dev convenience). */
      createBucket: boolean;
    };

export interface Config {
  port: number;
  host: string;
  /** Base URL clients reach the API at; used to build local presigned URLs. */
  publicUrl: string;
  dataDir: string;
  /** null: start an embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  storage: StorageConfig;
  /** Worker child processes `intake serve` starts (0 = none; run `intake worker` yourself). */
  workers: number;
  /** Scheduling niceness of worker processes (0–19; higher yields the CPU to the api). */
  workerNice: number;
  /** Imports one worker process runs at once. */
  workerConcurrency: number;
  /** How often an idle worker polls the queue; only a fallback, as queuing a job wakes the workers. */
  workerPollMs: number;
  /** Scanner files are parsed in a worker thread, beside the thread that stages the records. */
  parseInThread: boolean;
  tokenTtlSeconds: number;
  /** Failed authentications allowed per account, and per client address, in the window. */
  authFailuresPerAccount: number;
  authFailuresPerAddress: number;
  authFailureWindowSeconds: number;
  /** How long an api process may trust what it read about a user or API token (deactivation, role, revocation). */
  userCacheSeconds: number;
  uploadMaxBytes: number;
  uploadUrlTtlSeconds: number;
  adminEmail: string | null;
  adminPassword: string | null;
  logLevel: string;
  /** Seconds before a running import job is considered lost and retried. */
  jobExpireSeconds: number;
  jobRetryLimit: number;
  /** How long the PlexTrac v1 (synchronous) import route waits for the import to end. */
  syncImportTimeoutSeconds: number;
  /** How often a worker stamps the heartbeat of the import it runs. */
  heartbeatSeconds: number;
  /** An import whose heartbeat is older than this lost its worker and is handed back to the queue. */
  stallSeconds: number;
  /** When set, GET /metrics requires it as a Bearer token. */
  metricsToken: string | null;
  /** Whether webhooks may be sent to loopback and private addresses (development, tests). */
  webhookAllowPrivate: boolean;
  /** First webhook retry delay; it doubles per attempt. */
  webhookBackoffSeconds: number;
  /** Largest bulk import request body, in bytes. */
  bulkMaxBytes: number;
  /** Lifetime of a bulk import's report URL, from the job's completion. */
  bulkReportUrlTtlSeconds: number;
  /** Largest file accepted by POST /api/v1/uploads (images for rich-text fields), in bytes. */
  imageMaxBytes: number;
  /** Which proxies' X-Forwarded-For to believe for client addresses: none (false), any (true), a hop count, or addresses. */
  trustProxy: TrustProxy;
  /** Operator-supplied signing secrets; null: generated on first start and shared through the database. */
  tokenSecret: string | null;
  uploadSecret: string | null;
  /** Largest JSON or form body of an ordinary route, in bytes. */
  jsonMaxBytes: number;
  /** Largest body of the routes that take back a whole finding, writeup or assessment as GET returned it. */
  documentMaxBytes: number;
  /** SIGTERM: how long in-flight requests (api) and running imports (worker) get before they are cut off or handed back. */
  shutdownGraceSeconds: number;
  /** How long to wait for a PostgreSQL connection before the request answers 503. */
  dbConnectTimeoutSeconds: number;
  /** Longest SQL statement an API request may run (0 = no limit); workers are not limited. */
  dbStatementTimeoutSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const port = read.int('PORT', 8080, 0, 65535);
  const host = read.str('HOST', '0.0.0.0');
  const dataDir = resolve(read.str('INTAKE_DATA_DIR', './data'));
  const databaseUrl = read.optional('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    // Only the scheme is echoed: the rest may hold a password.
    problems.push(`DATABASE_URL: expected a postgres:// or postgresql:// URL, found one starting "${databaseUrl.split(':')[0]}:"`);
  }
  const storage = readStorage(read, env, dataDir, problems);
  const config: Config = {
    port,
    host,
    publicUrl: (read.optional('INTAKE_PUBLIC_URL') ?? `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    dataDir,
    databaseUrl: databaseUrl ?? null,
    storage,
    workers: read.int('INTAKE_WORKERS', 1, 0, 64),
    workerNice: read.int('INTAKE_WORKER_NICE', 10, 0, 19),
    workerConcurrency: read.int('INTAKE_WORKER_CONCURRENCY', 2, 1, 64),
    parseInThread: parseThreadSetting(read.oneOf('INTAKE_PARSE_THREAD', 'auto', ['auto', 'true', 'false'])),
    // pg-boss polls at most every 500 ms.
    workerPollMs: read.int('INTAKE_WORKER_POLL_MS', 500, 500, 10 * 60_000),
    tokenTtlSeconds: read.int('INTAKE_TOKEN_TTL_SECONDS', 15 * 60, 10, 30 * 24 * 3600),
    authFailuresPerAccount: read.int('INTAKE_AUTH_FAILURES_PER_ACCOUNT', 10, 1, 10_000),
    authFailuresPerAddress: read.int('INTAKE_AUTH_FAILURES_PER_ADDRESS', 50, 1, 100_000),
    authFailureWindowSeconds: read.int('INTAKE_AUTH_FAILURE_WINDOW_SECONDS', 15 * 60, 1, 24 * 3600),
    userCacheSeconds: read.int('INTAKE_USER_CACHE_SECONDS', 5, 0, 30),
    uploadMaxBytes: read.int('INTAKE_UPLOAD_MAX_BYTES', 5 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    uploadUrlTtlSeconds: read.int('INTAKE_UPLOAD_URL_TTL_SECONDS', 15 * 60, 1, 7 * 24 * 3600),
    adminEmail: read.optional('INTAKE_ADMIN_EMAIL') ?? null,
    adminPassword: read.optional('INTAKE_ADMIN_PASSWORD') ?? null,
    logLevel: read.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    jobExpireSeconds: read.int('INTAKE_JOB_EXPIRE_SECONDS', 3600, 30, 24 * 3600),
    jobRetryLimit: read.int('INTAKE_JOB_RETRY_LIMIT', 3, 0, 100),
    syncImportTimeoutSeconds: read.int('INTAKE_SYNC_IMPORT_TIMEOUT_SECONDS', 600, 1, 24 * 3600),
    heartbeatSeconds: read.int('INTAKE_HEARTBEAT_SECONDS', 5, 1, 3600),
    stallSeconds: read.int('INTAKE_STALL_SECONDS', 60, 2, 24 * 3600),
    metricsToken: read.optional('INTAKE_METRICS_TOKEN') ?? null,
    webhookAllowPrivate: read.bool('INTAKE_WEBHOOK_ALLOW_PRIVATE', false),
    webhookBackoffSeconds: read.int('INTAKE_WEBHOOK_BACKOFF_SECONDS', 10, 1, 3600),
    bulkMaxBytes: read.int('INTAKE_BULK_MAX_BYTES', 16 * 1024 * 1024, 1024, 1024 ** 3),
    // S3 presigned URLs live at most 7 days, the spec's lifetime.
    bulkReportUrlTtlSeconds: read.int('INTAKE_BULK_REPORT_URL_TTL_SECONDS', 7 * 24 * 3600, 1, 7 * 24 * 3600),
    imageMaxBytes: read.int('INTAKE_IMAGE_MAX_BYTES', 20 * 1024 * 1024, 1, 1024 ** 3),
    trustProxy: false,
    tokenSecret: read.secret('INTAKE_TOKEN_SECRET'),
    uploadSecret: read.secret('INTAKE_UPLOAD_SECRET'),
    jsonMaxBytes: read.int('INTAKE_JSON_MAX_BYTES', 1024 * 1024, 1024, 1024 ** 3),
    documentMaxBytes: read.int('INTAKE_DOCUMENT_MAX_BYTES', 16 * 1024 * 1024, 1024, 1024 ** 3),
    shutdownGraceSeconds: read.int('INTAKE_SHUTDOWN_GRACE_SECONDS', 8, 0, 3600),
    dbConnectTimeoutSeconds: read.int('INTAKE_DB_CONNECT_TIMEOUT_SECONDS', 5, 1, 300),
    dbStatementTimeoutSeconds: read.int('INTAKE_DB_STATEMENT_TIMEOUT_SECONDS', 30, 0, 3600),
  };
  const trustProxy = parseTrustProxy(read.optional('INTAKE_TRUST_PROXY'));
  if ('problem' in trustProxy) problems.push(trustProxy.problem);
  else config.trustProxy = trustProxy.value;
  if (config.tokenSecret !== null && config.tokenSecret === config.uploadSecret) {
    problems.push('INTAKE_UPLOAD_SECRET: must differ from INTAKE_TOKEN_SECRET');
  }
  if (config.documentMaxBytes < config.jsonMaxBytes) {
    problems.push(`INTAKE_DOCUMENT_MAX_BYTES: expected at least INTAKE_JSON_MAX_BYTES (${config.jsonMaxBytes}), found ${config.documentMaxBytes}`);
  }
  if (config.stallSeconds < 2 * config.heartbeatSeconds) {
    problems.push(`INTAKE_STALL_SECONDS: expected at least twice INTAKE_HEARTBEAT_SECONDS (${config.heartbeatSeconds}), found ${config.stallSeconds}`);
  }
  if (!/^https?:\/\/[^/\s]+/.test(config.publicUrl)) {
    problems.push(`INTAKE_PUBLIC_URL: expected an http:// or https:// URL, found "${config.publicUrl}"`);
  }
  if (config.adminPassword !== null && config.adminPassword.length < 8) {
    problems.push('INTAKE_ADMIN_PASSWORD: expected at least 8 characters');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readStorage(read: EnvReader, env: Env, dataDir: string, problems: string[]): StorageConfig {
  const bucket = read.optional('S3_BUCKET');
  const endpoint = read.optional('S3_ENDPOINT');
  if (!bucket) {
    if (endpoint) problems.push('S3_BUCKET: required when S3_ENDPOINT is set');
    return { kind: 'local', dir: resolve(read.str('INTAKE_STORAGE_DIR', `${dataDir}/objects`)) };
  }
  return {
    kind: 's3',
    endpoint,
    publicEndpoint: read.optional('S3_PUBLIC_ENDPOINT'),
    bucket,
    region: read.str('S3_REGION', 'us-east-1'),
    accessKeyId: read.optional('S3_ACCESS_KEY_ID') ?? env.AWS_ACCESS_KEY_ID,
    secretAccessKey: read.optional('S3_SECRET_ACCESS_KEY') ?? env.AWS_SECRET_ACCESS_KEY,
    forcePathStyle: read.bool('S3_FORCE_PATH_STYLE', Boolean(endpoint)),
    createBucket: read.bool('S3_CREATE_BUCKET', false),
  };
}

/**
 * `auto`: a parser thread only where the cores are there for it. On a 2-CPU machine it made one
 * import 8–16 % faster but four at once, over two worker processes, about 10 % slower in all
 * (the thread's copying competes with the other worker and PostgreSQL for the same two cores);
 * see docs/PERFORMANCE.md.
 */
const PARSE_THREAD_MIN_CPUS = 4;

function parseThreadSetting(value: string): boolean {
  return value === 'auto' ? availableParallelism() >= PARSE_THREAD_MIN_CPUS : value === 'true';
}

class EnvReader {
  constructor(private readonly env: Env, private readonly problems: string[]) {}

  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  /** A signing secret: at least 32 characters. Its value is never put in a message. */
  secret(name: string): string | null {
    const value = this.optional(name);
    if (value === undefined) return null;
    if (value.length < 32) {
      this.problems.push(`${name}: expected at least 32 characters, found ${value.length}`);
      return null;
    }
    return value;
  }

  str(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${name}: expected an integer from ${min} to ${max}, found "${raw}"`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name}: expected true or false, found "${raw}"`);
    return fallback;
  }

  oneOf(name: string, fallback: string, allowed: string[]): string {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw)) this.problems.push(`${name}: expected one of ${allowed.join(', ')}, found "${raw}"`);
    return allowed.includes(raw) ? raw : fallback;
  }
}
