import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { TokenSigner } from './tokens.js';

const SECRET = 'test-secret-0123456789';
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
const CLAIMS = { userId: 7, tenantId: 3, email: 'ana@example.com' };

function signerAt(ms: number, secret = SECRET): TokenSigner {
  return new TokenSigner(secret, 900, () => ms);
}

function hasCode(code: string) {
  return (error: unknown) => error instanceof AppError && error.code === code;
}

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

describe('TokenSigner', () => {
  test('a token it issued verifies back to the same claims', () => {
    const signer = signerAt(T0);
    const { token, expiresAt } = signer.issue(CLAIMS);
    assert.equal(expiresAt.getTime(), T0 + 900_000);
    assert.deepEqual(signer.verify(token), { ...CLAIMS, exp: T0 / 1000 + 900 });
  });

  test('the token is a three-part HS256 JWT with exp, iat, tenantId and username', () => {
    const { token } = signerAt(T0).issue(CLAIMS);
    const parts = token.split('.');
    assert.equal(parts.length, 3);
    assert.deepEqual(decodePart(parts[0]!), { alg: 'HS256', typ: 'JWT' });
    const payload = decodePart(parts[1]!);
    assert.equal(payload.iat, T0 / 1000);
    assert.equal(payload.exp, T0 / 1000 + 900);
    assert.equal(payload.tenantId, 3);
    assert.equal(payload.username, 'ana@example.com');
    assert.equal(payload.userId, 7);
  });

  test('a role given at issue comes back from verify', () => {
    const signer = signerAt(T0);
    const { token } = signer.issue({ ...CLAIMS, role: 'READ_ONLY' });
    assert.equal(signer.verify(token).role, 'READ_ONLY');
    assert.equal(decodePart(token.split('.')[1]!).role, 'READ_ONLY');
  });

  test('the token is still valid one second before it expires', () => {
    const { token } = signerAt(T0).issue(CLAIMS);
    assert.equal(signerAt(T0 + 899_000).verify(token).userId, 7);
  });

  test('an expired token fails with AUTH_TOKEN_EXPIRED', () => {
    const { token } = signerAt(T0).issue(CLAIMS);
    assert.throws(() => signerAt(T0 + 900_000).verify(token), hasCode('AUTH_TOKEN_EXPIRED'));
    assert.throws(() => signerAt(T0 + 3600_000).verify(token), hasCode('AUTH_TOKEN_EXPIRED'));
  });

  test('a tampered payload fails with AUTH_TOKEN_INVALID', () => {
    const signer = signerAt(T0);
    const [header, payload, signature] = signer.issue(CLAIMS).token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...decodePart(payload), tenantId: 4 })).toString('base64url');
    assert.throws(() => signer.verify(`${header}.${forged}.${signature}`), hasCode('AUTH_TOKEN_INVALID'));
  });

  test('a tampered signature fails with AUTH_TOKEN_INVALID', () => {
    const signer = signerAt(T0);
    const token = signer.issue(CLAIMS).token;
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    assert.throws(() => signer.verify(token.slice(0, -1) + last), hasCode('AUTH_TOKEN_INVALID'));
    assert.throws(() => signer.verify(token.slice(0, -1)), hasCode('AUTH_TOKEN_INVALID'));
  });

  test('a different header (e.g. alg none) fails with AUTH_TOKEN_INVALID', () => {
    const signer = signerAt(T0);
    const [, payload] = signer.issue(CLAIMS).token.split('.') as [string, string, string];
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    assert.throws(() => signer.verify(`${none}.${payload}.`), hasCode('AUTH_TOKEN_INVALID'));
  });

  test('a token with another header fails with AUTH_TOKEN_INVALID even when its signature matches', () => {
    const signer = signerAt(T0);
    const [, payload] = signer.issue(CLAIMS).token.split('.') as [string, string, string];
    const header = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url');
    const signature = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url');
    assert.throws(() => signer.verify(`${header}.${payload}.${signature}`), hasCode('AUTH_TOKEN_INVALID'));
  });

  test('a token signed with another secret fails with AUTH_TOKEN_INVALID', () => {
    const { token } = signerAt(T0, 'another-secret').issue(CLAIMS);
    assert.throws(() => signerAt(T0).verify(token), hasCode('AUTH_TOKEN_INVALID'));
  });

  test('garbage fails with AUTH_TOKEN_INVALID', () => {
    const signer = signerAt(T0);
    for (const garbage of ['', 'abc', 'a.b', 'a.b.c', 'a.b.c.d', '...']) {
      assert.throws(() => signer.verify(garbage), hasCode('AUTH_TOKEN_INVALID'), JSON.stringify(garbage));
    }
  });
});
