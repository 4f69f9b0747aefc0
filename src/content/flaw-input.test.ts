import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../errors/app-error.js';
import { flawWrite } from './flaw-input.js';

const IMG = '<img src="/api/v1/uploads/fee189cd-d7fa-46cd-962d-0cc5631099d6.jpg" />';

test('maps a PlexTrac flaw object to columns and data, sanitising rich text', () => {
  const write = flawWrite({
    title: '  Stored XSS  ',
    severity: 'high',
    status: 'open',
    description: `<p onclick="x()">See ${IMG}</p><script>alert(1)</script>`,
    recommendations: '<b>Encode</b> output',
    references: '<a href="javascript:alert(1)">ref</a>',
    tags: ['web', ' web ', 'ext', ''],
    common_identifiers: { CVE: [{ name: 'cve-2021-44228', year: 2021 }], CWE: [{ name: 'CWE-79', id: 79 }, '80'] },
    fields: { impact: { label: 'Impact', value: '<i>high</i><iframe></iframe>' } },
    assignedTo: 'dev@example.com',
    flaw_id: 99,
    affected_assets: { 1: { asset: 'x' } },
  });
  assert.equal(write.title, 'Stored XSS');
  assert.equal(write.severity, 'High');
  assert.equal(write.status, 'Open');
  assert.deepEqual(write.tags, ['ext', 'web']);
  assert.deepEqual(write.data, {
    description: `<p>See ${IMG}</p>`,
    solution: '<b>Encode</b> output',
    references: ['<a>ref</a>'],
    cves: ['CVE-2021-44228'],
    cwes: ['CWE-79', 'CWE-80'],
    fields: { impact: { label: 'Impact', value: '<i>high</i>' } },
    assignedTo: 'dev@example.com',
  });
});

test('absent members are left out, so an update touches only what was sent', () => {
  assert.deepEqual(flawWrite({ status: 'In Progress' }), { status: 'In Process', data: {} });
});

test('bad severity, status, identifiers and fields are refused naming what was found', () => {
  const refused = (body: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => flawWrite(body), (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && pattern.test(e.message));
  refused({ severity: 'Severe' }, /severity must be one of Critical, High, Medium, Low, Informational; found "Severe"/);
  refused({ status: 'Done' }, /status must be one of Open, In Process, Closed; found "Done"/);
  refused({ title: '   ' }, /title must not be empty/);
  refused({ common_identifiers: { CVE: [{ name: 'log4shell' }] } }, /common_identifiers.CVE\[0\] must name a CVE/);
  refused({ fields: { impact: 'high' } }, /fields.impact must be an object/);
});
