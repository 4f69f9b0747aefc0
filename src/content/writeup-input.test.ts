import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../errors/app-error.js';
import { writeupInput } from './writeup-input.js';

const finding = {
  flaw_id: 7,
  client_id: 1,
  report_id: 2,
  doc_type: 'flaw',
  title: 'Weak TLS ciphers',
  severity: 'High',
  status: 'Open',
  source: 'nessus',
  description: '<p>RC4<script>x()</script></p>',
  recommendations: 'Disable RC4',
  references: 'https://example.test/a\nhttps://example.test/b',
  tags: ['external', 'tls'],
  common_identifiers: { CVE: [{ name: 'CVE-2020-0001', year: 2020, id: 1 }], CWE: [] },
  risk_score: { CVSS3: { overall: 7.5, vector: 'CVSS:3.0/AV:N' } },
  fields: { plugin_family: { label: 'plugin_family', value: '<b>General</b><img src=x onerror=y>' } },
  affected_assets: { 3: { asset: '10.0.0.5' } },
  createdAt: 1,
};

test('a finding JSON from GET flaw plus repositoryId becomes a writeup', () => {
  const input = writeupInput({ ...finding, repositoryId: 'cl0e3lc0c002318mx4y2bg3wn' });
  assert.equal(input.repositoryId, 'cl0e3lc0c002318mx4y2bg3wn');
  assert.equal(input.title, 'Weak TLS ciphers');
  assert.equal(input.severity, 'High');
  assert.deepEqual(input.tags, ['external', 'tls']);
  assert.deepEqual(input.data, {
    description: '<p>RC4</p>',
    recommendations: 'Disable RC4',
    references: 'https://example.test/a\nhttps://example.test/b',
    source: 'nessus',
    fields: { plugin_family: { label: 'plugin_family', value: '<b>General</b>' } },
    common_identifiers: finding.common_identifiers,
    risk_score: finding.risk_score,
  });
  assert.equal('affected_assets' in input.data, false);
});

test('the repository may be spelled repositoryID (PlexTrac docs); tags may be a comma list', () => {
  const input = writeupInput({ title: 'x', severity: 'low', repositoryID: 'cabc', tags: 'pentest, crown_jewel,,pentest' });
  assert.equal(input.repositoryId, 'cabc');
  assert.equal(input.severity, 'Low');
  assert.deepEqual(input.tags, ['crown_jewel', 'pentest']);
  assert.equal(input.data.source, 'Custom');
});

test('a missing repository, title or bad severity is refused naming the member', () => {
  const refused = (body: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => writeupInput(body), (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && pattern.test(e.message));
  refused({ title: 'x', severity: 'High' }, /repositoryId must name the WriteupsDB repository .*found nothing/);
  refused({ title: ' ', severity: 'High', repositoryId: 'c1' }, /title must be a non-empty string/);
  refused({ title: 'x', severity: 'Severe', repositoryId: 'c1' }, /severity must be one of/);
  refused({ title: 'x', severity: 'High', repositoryId: 'c1', description: 5 }, /description must be a string/);
});
