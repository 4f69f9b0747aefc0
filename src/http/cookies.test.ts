import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCookies, sessionCookie } from './cookies.js';

test('parses name=value pairs, trimming spaces and unquoting', () => {
  assert.deepEqual({ ...parseCookies('token=abc.def.ghi; theme=dark') }, { token: 'abc.def.ghi', theme: 'dark' });
  assert.deepEqual({ ...parseCookies('  a = 1 ;b="two words"') }, { a: '1', b: 'two words' });
  assert.deepEqual({ ...parseCookies('x=a=b=c') }, { x: 'a=b=c' });
});

test('the first cookie of a name wins, and junk is skipped', () => {
  assert.deepEqual({ ...parseCookies('token=first; token=second') }, { token: 'first' });
  assert.deepEqual({ ...parseCookies('novalue; =nameless; ;ok=1') }, { ok: '1' });
  assert.deepEqual({ ...parseCookies(undefined) }, {});
  assert.deepEqual({ ...parseCookies('') }, {});
});

test('a cookie named like an Object property is an ordinary cookie', () => {
  const cookies = parseCookies('__proto__=x; constructor=y');
  assert.equal(cookies.__proto__, 'x');
  assert.equal(cookies.constructor, 'y');
  assert.equal(parseCookies('a=1').constructor, undefined);
});

test('the session cookie is HttpOnly, SameSite=Lax, limited to the uploads path, Secure on https', () => {
  assert.equal(sessionCookie('jwt', 900, false), 'token=jwt; Max-Age=900; Path=/api/v1/uploads; HttpOnly; SameSite=Lax');
  assert.match(sessionCookie('jwt', 900, true), /; Secure$/);
});
