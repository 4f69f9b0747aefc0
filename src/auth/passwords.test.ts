import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

describe('passwords', () => {
  test('a hash verifies with its own password', async () => {
    const stored = await hashPassword('s3cret-passw0rd');
    assert.match(stored, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await verifyPassword('s3cret-passw0rd', stored), true);
  });

  test('a wrong password does not verify', async () => {
    const stored = await hashPassword('s3cret-passw0rd');
    assert.equal(await verifyPassword('s3cret-passw0rD', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  test('two hashes of the same password differ (random salt) and both verify', async () => {
    const a = await hashPassword('same password');
    const b = await hashPassword('same password');
    assert.notEqual(a, b);
    assert.notEqual(a.split('$')[4], b.split('$')[4], 'salts differ');
    assert.equal(await verifyPassword('same password', a), true);
    assert.equal(await verifyPassword('same password', b), true);
  });

  test('a malformed stored hash does not verify', async () => {
    const stored = await hashPassword('pw-12345678');
    const [, n, r, p, salt, hash] = stored.split('$') as string[];
    for (const bad of [
      '',
      'plain-text-password',
      `bcrypt$${n}$${r}$${p}$${salt}$${hash}`,
      `scrypt$${n}$${r}$${p}$${salt}$`,
      `scrypt$${n}$${r}$${p}$$${hash}`,
      `scrypt$${n}$${r}$${p}$${salt}`,
      `scrypt$${n}$${r}$${p}$${salt}$${hash!.slice(0, 20)}`,
    ]) {
      assert.equal(await verifyPassword('pw-12345678', bad), false, JSON.stringify(bad));
    }
  });

  test('generated passwords are long, URL-safe and distinct', () => {
    const a = generatePassword();
    const b = generatePassword();
    assert.match(a, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(a, b);
  });
});

test('a stored hash with impossible scrypt parameters reads as a wrong password, not a crash', async () => {
  const valid = await hashPassword('secret-pass');
  const [, , , , salt, hash] = valid.split('$');
  for (const params of ['abc$8$1', '3$8$1', `${2 ** 30}$8$1`, '16384$0$1', '16384$8$x']) {
    assert.equal(await verifyPassword('secret-pass', `scrypt$${params}$${salt}$${hash}`), false, params);
  }
});
