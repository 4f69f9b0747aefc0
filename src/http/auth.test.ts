import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tokenFromHeader } from './auth.js';

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
