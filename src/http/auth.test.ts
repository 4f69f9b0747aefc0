import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import { TokenSigner } from '../auth/tokens.js';
import { authenticate, requireInstanceAdmin, requireRole, requireSessionToken, requireWrite, tokenFromHeader, type Caller } from './auth.js';

describe('tokenFromHeader', () => {
  test('a bare token is taken as is', () => {
    assert.equal(tokenFromHeader('eyJ.abc.def'), 'eyJ.abc.def');
    assert.equal(tokenFromHeader('  eyJ.abc.def  '), 'eyJ.abc.def');
  });

  test('a Bearer token loses its scheme, whatever its case', () => {
    assert.equal(tokenFromHeader('Bearer eyJ.abc.def'), 'eyJ.abc.def');
    assert.equal(tokenFromHeader('bearer eyJ.abc.def'), 'eyJ.abc.def');
    assert.equal(tokenFromHeader('BEARER   eyJ.abc.def '), 'eyJ.abc.def');
  });

  test('no header, or an empty one, gives null', () => {
    assert.equal(tokenFromHeader(undefined), null);
    assert.equal(tokenFromHeader(''), null);
    assert.equal(tokenFromHeader('   '), null);
  });
});

describe('role preHandlers', () => {
  const reply = {} as FastifyReply;
  const request = (caller: Partial<Caller>) => ({ caller }) as unknown as FastifyRequest;
  const code = (expected: string) => (error: unknown) => error instanceof AppError && error.code === expected;

  test('requireWrite lets ADMIN and ANALYST through and refuses READ_ONLY and an unknown role', async () => {
    await requireWrite(request({ role: 'ADMIN' }), reply);
    await requireWrite(request({ role: 'ANALYST' }), reply);
    await assert.rejects(requireWrite(request({ role: 'READ_ONLY' }), reply), code('FORBIDDEN_ROLE'));
    await assert.rejects(requireWrite(request({}), reply), code('FORBIDDEN_ROLE'));
  });

  test('requireRole names the roles needed and the one found', async () => {
    await assert.rejects(requireRole('ADMIN')(request({ role: 'ANALYST' }), reply), /needs the role ADMIN; your role is ANALYST/);
  });

  test('requireInstanceAdmin and requireSessionToken', async () => {
    await requireInstanceAdmin(request({ isInstanceAdmin: true }), reply);
    await assert.rejects(requireInstanceAdmin(request({ isInstanceAdmin: false, role: 'ADMIN' }), reply), code('FORBIDDEN_INSTANCE_ADMIN'));
    await requireSessionToken(request({}), reply);
    await assert.rejects(requireSessionToken(request({ apiTokenId: 3 }), reply), code('API_TOKEN_NOT_ALLOWED'));
  });

  test('authenticate refuses a bare signer it has never seen with its database', () => {
    assert.throws(() => authenticate(new TokenSigner('s', 900)), /needs the route plugin deps/);
  });
});
