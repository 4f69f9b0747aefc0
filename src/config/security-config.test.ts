/** The security-related settings: trusted proxies, operator-supplied secrets, body limits. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.js';
import { parseTrustProxy } from './trust-proxy.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('loadConfig accepted an invalid environment');
}

describe('INTAKE_TRUST_PROXY', () => {
  test('unset trusts no proxy: X-Forwarded-For is ignored', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.deepEqual(parseTrustProxy(undefined), { value: false });
  });

  test('true/false words and address lists', () => {
    assert.deepEqual(parseTrustProxy('true'), { value: true });
    assert.deepEqual(parseTrustProxy('ON'), { value: true });
    assert.deepEqual(parseTrustProxy('false'), { value: false });
    assert.deepEqual(parseTrustProxy('0'), { value: false });
    assert.deepEqual(parseTrustProxy('10.0.0.1, 192.168.0.0/16,loopback, fd00::/8 ,::1'), {
      value: ['10.0.0.1', '192.168.0.0/16', 'loopback', 'fd00::/8', '::1'],
    });
    assert.deepEqual(loadConfig({ INTAKE_TRUST_PROXY: '127.0.0.1' }).trustProxy, ['127.0.0.1']);
  });

  test('hop counts are refused (Fastify ignores them: a count cannot tell a proxy from a client)', () => {
    const outcome = parseTrustProxy('2');
    assert.ok('problem' in outcome);
    assert.match(outcome.problem, /hop counts \(found 2\) are not supported/);
  });

  test('anything else is refused, naming the bad entries', () => {
    for (const raw of ['maybe', '10.0.0.1,proxy.example.com', '10.0.0.0/33', '10.0.0.1/8/2', '::1/129', ',']) {
      const outcome = parseTrustProxy(raw);
      assert.ok('problem' in outcome, `${raw} was accepted`);
      assert.match(outcome.problem, /^INTAKE_TRUST_PROXY: /);
    }
    assert.match(problemsOf({ INTAKE_TRUST_PROXY: '10.0.0.1,proxy.example.com' }).join('\n'), /"proxy\.example\.com"/);
  });
});

describe('INTAKE_TOKEN_SECRET and INTAKE_UPLOAD_SECRET', () => {
  const tokenSecret = 'T'.repeat(16) + 'token-secret-0123456789';
  const uploadSecret = 'U'.repeat(16) + 'upload-secret-0123456789';

  test('unset: generated on first start (null here)', () => {
    const config = loadConfig({});
    assert.equal(config.tokenSecret, null);
    assert.equal(config.uploadSecret, null);
  });

  test('supplied secrets of 32 characters or more are used as given', () => {
    const config = loadConfig({ INTAKE_TOKEN_SECRET: tokenSecret, INTAKE_UPLOAD_SECRET: uploadSecret });
    assert.equal(config.tokenSecret, tokenSecret);
    assert.equal(config.uploadSecret, uploadSecret);
  });

  test('a short secret is refused without echoing it; the two must differ', () => {
    const short = 'short-secret-value-29-chars!!';
    const problems = problemsOf({ INTAKE_TOKEN_SECRET: short, INTAKE_UPLOAD_SECRET: 'x' });
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^INTAKE_TOKEN_SECRET: expected at least 32 characters, found 29$/);
    assert.match(problems[1]!, /^INTAKE_UPLOAD_SECRET: expected at least 32 characters, found 1$/);
    assert.doesNotMatch(problems.join('\n'), new RegExp(short));
    const same = problemsOf({ INTAKE_TOKEN_SECRET: tokenSecret, INTAKE_UPLOAD_SECRET: tokenSecret });
    assert.deepEqual(same, ['INTAKE_UPLOAD_SECRET: must differ from INTAKE_TOKEN_SECRET']);
  });
});

describe('body limits', () => {
  test('1 MiB for ordinary JSON bodies, 16 MiB for whole documents, both adjustable', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.jsonMaxBytes, 1024 * 1024);
    assert.equal(defaults.documentMaxBytes, 16 * 1024 * 1024);
    const set = loadConfig({ INTAKE_JSON_MAX_BYTES: '2048', INTAKE_DOCUMENT_MAX_BYTES: '4096' });
    assert.equal(set.jsonMaxBytes, 2048);
    assert.equal(set.documentMaxBytes, 4096);
    assert.match(problemsOf({ INTAKE_JSON_MAX_BYTES: '10' }).join('\n'), /^INTAKE_JSON_MAX_BYTES: expected an integer from 1024/);
  });
});
