import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.js';

/** Runs loadConfig expecting a ConfigError and returns its problem list. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('loadConfig accepted an invalid environment');
}

describe('loadConfig defaults', () => {
  test('an empty environment gives the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.publicUrl, 'http://127.0.0.1:8080');
    assert.equal(config.dataDir, resolve('./data'));
    assert.equal(config.databaseUrl, null);
    assert.deepEqual(config.storage, { kind: 'local', dir: resolve('./data/objects') });
    assert.equal(config.workers, 1);
    assert.equal(config.workerConcurrency, 2);
    assert.equal(config.tokenTtlSeconds, 900);
    assert.equal(config.uploadMaxBytes, 5 * 1024 ** 3);
    assert.equal(config.uploadUrlTtlSeconds, 900);
    assert.equal(config.adminEmail, null);
    assert.equal(config.adminPassword, null);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.jobExpireSeconds, 3600);
    assert.equal(config.jobRetryLimit, 3);
  });

  test('shutdown grace and database timeouts: defaults, and out-of-range values refused', () => {
    const config = loadConfig({});
    assert.deepEqual([config.shutdownGraceSeconds, config.dbConnectTimeoutSeconds, config.dbStatementTimeoutSeconds], [8, 5, 30]);
    const zero = loadConfig({ INTAKE_SHUTDOWN_GRACE_SECONDS: '0', INTAKE_DB_STATEMENT_TIMEOUT_SECONDS: '0' });
    assert.deepEqual([zero.shutdownGraceSeconds, zero.dbStatementTimeoutSeconds], [0, 0]);
    assert.deepEqual(problemsOf({ INTAKE_SHUTDOWN_GRACE_SECONDS: '-1', INTAKE_DB_CONNECT_TIMEOUT_SECONDS: '0', INTAKE_DB_STATEMENT_TIMEOUT_SECONDS: 'soon' }), [
      'INTAKE_SHUTDOWN_GRACE_SECONDS: expected an integer from 0 to 3600, found "-1"',
      'INTAKE_DB_CONNECT_TIMEOUT_SECONDS: expected an integer from 1 to 300, found "0"',
      'INTAKE_DB_STATEMENT_TIMEOUT_SECONDS: expected an integer from 0 to 3600, found "soon"',
    ]);
  });

  test('blank values count as unset', () => {
    const config = loadConfig({ PORT: '  ', HOST: '', DATABASE_URL: ' ', LOG_LEVEL: '' });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.databaseUrl, null);
    assert.equal(config.logLevel, 'info');
  });
});

describe('loadConfig parses each variable', () => {
  test('server, paths and limits', () => {
    const config = loadConfig({
      PORT: '9090',
      HOST: '127.0.0.1',
      INTAKE_PUBLIC_URL: 'https://intake.example.com//',
      INTAKE_DATA_DIR: '/var/lib/intake',
      INTAKE_WORKERS: '0',
      INTAKE_WORKER_CONCURRENCY: '8',
      INTAKE_TOKEN_TTL_SECONDS: '60',
      INTAKE_UPLOAD_MAX_BYTES: '1048576',
      INTAKE_UPLOAD_URL_TTL_SECONDS: '120',
      INTAKE_ADMIN_EMAIL: 'admin@example.com',
      INTAKE_ADMIN_PASSWORD: 'correct horse',
      LOG_LEVEL: 'debug',
      INTAKE_JOB_EXPIRE_SECONDS: '600',
      INTAKE_JOB_RETRY_LIMIT: '0',
    });
    assert.equal(config.port, 9090);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.publicUrl, 'https://intake.example.com', 'trailing slashes are removed');
    assert.equal(config.dataDir, '/var/lib/intake');
    assert.deepEqual(config.storage, { kind: 'local', dir: '/var/lib/intake/objects' });
    assert.equal(config.workers, 0);
    assert.equal(config.workerConcurrency, 8);
    assert.equal(config.tokenTtlSeconds, 60);
    assert.equal(config.uploadMaxBytes, 1048576);
    assert.equal(config.uploadUrlTtlSeconds, 120);
    assert.equal(config.adminEmail, 'admin@example.com');
    assert.equal(config.adminPassword, 'correct horse');
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.jobExpireSeconds, 600);
    assert.equal(config.jobRetryLimit, 0);
  });

  test('values are trimmed', () => {
    const config = loadConfig({ PORT: ' 3000 ', HOST: ' ::1 ' });
    assert.equal(config.port, 3000);
    assert.equal(config.host, '::1');
  });

  test('the default public URL follows PORT', () => {
    assert.equal(loadConfig({ PORT: '4000' }).publicUrl, 'http://127.0.0.1:4000');
  });

  test('INTAKE_STORAGE_DIR overrides the local object directory', () => {
    const config = loadConfig({ INTAKE_DATA_DIR: '/data', INTAKE_STORAGE_DIR: '/mnt/objects' });
    assert.deepEqual(config.storage, { kind: 'local', dir: '/mnt/objects' });
  });

  test('DATABASE_URL accepts postgres:// and postgresql://', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/intake' }).databaseUrl, 'postgres://u:p@db:5432/intake');
    assert.equal(loadConfig({ DATABASE_URL: 'postgresql://db/intake' }).databaseUrl, 'postgresql://db/intake');
  });
});

describe('loadConfig storage selection', () => {
  test('S3_BUCKET selects S3 with its defaults', () => {
    const config = loadConfig({ S3_BUCKET: 'imports' });
    assert.deepEqual(config.storage, {
      kind: 's3',
      endpoint: undefined,
      publicEndpoint: undefined,
      bucket: 'imports',
      region: 'us-east-1',
      accessKeyId: undefined,
      secretAccessKey: undefined,
      forcePathStyle: false,
      createBucket: false,
    });
  });

  test('S3 settings are read, and an endpoint turns on path-style by default', () => {
    const config = loadConfig({
      S3_BUCKET: 'imports',
      S3_ENDPOINT: 'http://minio:9000',
      S3_REGION: 'eu-west-1',
      S3_ACCESS_KEY_ID: 'AKIA',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_CREATE_BUCKET: 'yes',
      S3_PUBLIC_ENDPOINT: 'https://files.example.com',
    });
    assert.deepEqual(config.storage, {
      kind: 's3',
      endpoint: 'http://minio:9000',
      publicEndpoint: 'https://files.example.com',
      bucket: 'imports',
      region: 'eu-west-1',
      accessKeyId: 'AKIA',
      secretAccessKey: 'secret',
      forcePathStyle: true,
      createBucket: true,
    });
  });

  test('S3_FORCE_PATH_STYLE can turn path-style off with an endpoint', () => {
    const config = loadConfig({ S3_BUCKET: 'b', S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'off' });
    assert.equal(config.storage.kind, 's3');
    assert.equal(config.storage.kind === 's3' && config.storage.forcePathStyle, false);
  });

  test('AWS_* credentials are the fallback for S3 credentials', () => {
    const config = loadConfig({ S3_BUCKET: 'b', AWS_ACCESS_KEY_ID: 'aws-id', AWS_SECRET_ACCESS_KEY: 'aws-secret' });
    assert.ok(config.storage.kind === 's3');
    assert.equal(config.storage.accessKeyId, 'aws-id');
    assert.equal(config.storage.secretAccessKey, 'aws-secret');
  });

  test('S3_ENDPOINT without S3_BUCKET is an error', () => {
    const problems = problemsOf({ S3_ENDPOINT: 'http://minio:9000' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^S3_BUCKET:/);
  });
});

describe('loadConfig rejects invalid values', () => {
  test('every bad variable is reported at once', () => {
    const problems = problemsOf({ PORT: 'abc', INTAKE_WORKERS: '-1', LOG_LEVEL: 'loud', S3_BUCKET: 'b', S3_CREATE_BUCKET: 'maybe' });
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('PORT:') && p.includes('"abc"')));
    assert.ok(problems.some((p) => p.startsWith('INTAKE_WORKERS:') && p.includes('"-1"')));
    assert.ok(problems.some((p) => p.startsWith('LOG_LEVEL:') && p.includes('"loud"')));
    assert.ok(problems.some((p) => p.startsWith('S3_CREATE_BUCKET:')));
  });

  test('the error message lists each problem', () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', INTAKE_WORKERS: '-1' }),
      (error: unknown) =>
        error instanceof ConfigError && error.name === 'ConfigError' && /PORT:/.test(error.message) && /INTAKE_WORKERS:/.test(error.message),
    );
  });

  test('integers out of range or fractional are rejected', () => {
    for (const env of [
      { PORT: '65536' },
      { PORT: '80.5' },
      { INTAKE_WORKERS: '65' },
      { INTAKE_WORKER_CONCURRENCY: '0' },
      { INTAKE_TOKEN_TTL_SECONDS: '5' },
      { INTAKE_UPLOAD_MAX_BYTES: '0' },
      { INTAKE_UPLOAD_URL_TTL_SECONDS: '0' },
      { INTAKE_JOB_EXPIRE_SECONDS: '10' },
      { INTAKE_JOB_RETRY_LIMIT: '101' },
    ]) {
      const name = Object.keys(env)[0]!;
      const problems = problemsOf(env);
      assert.equal(problems.length, 1, `${name}: ${problems.join('; ')}`);
      assert.ok(problems[0]!.startsWith(`${name}:`), problems[0]);
    }
  });

  test('DATABASE_URL must be a postgres URL', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://db/intake' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^DATABASE_URL:/);
  });

  test('an admin password shorter than 8 characters is rejected', () => {
    const problems = problemsOf({ INTAKE_ADMIN_PASSWORD: 'short' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^INTAKE_ADMIN_PASSWORD:/);
  });
});

describe('INTAKE_PARSE_THREAD', () => {
  test('auto (the default) parses in a thread on machines with 4 CPUs or more; true and false decide', () => {
    assert.equal(loadConfig({}).parseInThread, availableParallelism() >= 4);
    assert.equal(loadConfig({ INTAKE_PARSE_THREAD: 'auto' }).parseInThread, availableParallelism() >= 4);
    assert.equal(loadConfig({ INTAKE_PARSE_THREAD: 'true' }).parseInThread, true);
    assert.equal(loadConfig({ INTAKE_PARSE_THREAD: 'false' }).parseInThread, false);
    assert.match(problemsOf({ INTAKE_PARSE_THREAD: 'maybe' })[0]!, /^INTAKE_PARSE_THREAD: expected one of auto, true, false/);
  });
});
