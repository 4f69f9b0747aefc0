import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode } from './base32.js';
import { generateTotpSecret, matchTotp, otpauthUrl, timeStep, totpAt } from './totp.js';

// RFC 6238 appendix B: the SHA-1 key is the ASCII string "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));

describe('base32', () => {
  test('RFC 4648 test vectors, without padding', () => {
    const vectors: [string, string][] = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [plain, encoded] of vectors) {
      assert.equal(base32Encode(Buffer.from(plain)), encoded, plain);
      assert.equal(base32Decode(encoded).toString(), plain, encoded);
    }
  });

  test('decoding ignores case, spaces and padding, and refuses other characters', () => {
    assert.equal(base32Decode('mzxw 6ytb oi======').toString(), 'foobar');
    assert.throws(() => base32Decode('MZXW1'), /not a base32 character: "1"/);
  });
});

describe('TOTP', () => {
  test('RFC 6238 SHA-1 test vectors (8 digits)', () => {
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    assert.equal(RFC_SECRET, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    for (const [seconds, code] of vectors) assert.equal(totpAt(RFC_SECRET, timeStep(seconds * 1000), 8), code, String(seconds));
  });

  test('six-digit codes are the last six digits, zero-padded', () => {
    assert.equal(totpAt(RFC_SECRET, timeStep(59_000)), '287082');
    assert.equal(totpAt(RFC_SECRET, timeStep(1111111109_000)), '081804');
  });

  test('a code matches its own step and one step either side, not two', () => {
    const now = 1_700_000_015_000;
    const step = timeStep(now);
    assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step), now), step);
    assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 1), now), step - 1);
    assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step + 1), now), step + 1);
    assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 2), now), null);
    assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step + 2), now), null);
  });

  test('malformed codes never match', () => {
    const now = 1_700_000_015_000;
    const good = totpAt(RFC_SECRET, timeStep(now));
    for (const bad of ['', '12345', '1234567', 'abcdef', `${good}0`, ` ${good.slice(1)}`]) assert.equal(matchTotp(RFC_SECRET, bad, now), null, bad);
    assert.equal(matchTotp(RFC_SECRET, `${good.slice(0, 3)} ${good.slice(3)}`, now), timeStep(now), 'a space in the middle is allowed');
  });

  test('generated secrets are 32 base32 characters (160 bits) and distinct', () => {
    const a = generateTotpSecret();
    assert.match(a, /^[A-Z2-7]{32}$/);
    assert.equal(base32Decode(a).length, 20);
    assert.notEqual(a, generateTotpSecret());
  });

  test('the otpauth URL names issuer, account and parameters', () => {
    const text = otpauthUrl('Intake', 'ana@example.com', 'ABCDEF');
    assert.ok(text.startsWith('otpauth://totp/Intake:ana%40example.com?'), text);
    const url = new URL(text);
    assert.equal(url.searchParams.get('secret'), 'ABCDEF');
    assert.equal(url.searchParams.get('issuer'), 'Intake');
    assert.equal(url.searchParams.get('digits'), '6');
    assert.equal(url.searchParams.get('period'), '30');
    assert.equal(url.searchParams.get('algorithm'), 'SHA1');
  });
});
