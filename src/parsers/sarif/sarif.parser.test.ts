import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '../contract.js';
import { countRecords } from '../support/count-records.js';
import { byteChunks, collect, rejectsWith as rejectsWithParser } from '../support/testing.js';
import { SAMPLE_NESSUS } from '../nessus/fixtures/sample-nessus.js';
import { NUCLEI_V3_LINES } from '../nuclei/fixtures/nuclei.fixtures.js';
import { SARIF_CODEQL, SARIF_UNUSUAL_ORDER, sarifFixtures } from './fixtures/sarif.fixtures.js';
import { sarifParser } from './sarif.parser.js';

const parse = (text: string): Promise<ParsedRecord[]> => collect(sarifParser.parse(Readable.from([Buffer.from(text)])));
const rejectsWith = (text: string, message: RegExp) => rejectsWithParser(sarifParser, text, message);
const findingsOf = (records: ParsedRecord[]) => new Map(records.flatMap((r) => (r.kind === 'finding' ? [[r.key, r.data] as const] : [])));
const linksOf = (records: ParsedRecord[]) => records.flatMap((r) => (r.kind === 'link' ? [r] : []));

test('counts of every sample follow the SARIF identity rule (rule id of results, artifact URI, pairs; no evidence)', async () => {
  for (const sample of sarifFixtures.samples) {
    assert.deepEqual(await countRecords(sarifParser.parse(byteChunks(sample.content, 64))), sample.expected, sample.name);
  }
});

test('maps a rule and its first result to a finding, an artifact asset and a link with the snippet as evidence', async () => {
  const [finding, asset, link] = await parse(SARIF_CODEQL);
  assert.deepEqual(finding, {
    kind: 'finding',
    key: 'js/sql-injection',
    data: {
      title: 'Database query built from user-controlled sources',
      description: 'Building a database query from user-controlled sources is vulnerable to insertion of malicious code.',
      solution: '# SQL injection\nUse **parameterised** queries.',
      references: ['https://codeql.github.com/codeql-query-help/javascript/js-sql-injection/'],
      cwes: ['CWE-89'],
      extra: { tool: 'CodeQL', tags: ['security', 'external/cwe/cwe-089'], precision: 'high', problemSeverity: 'error' },
      severity: 'Critical',
      toolSeverity: '9.8',
    },
  });
  assert.deepEqual(asset, { kind: 'asset', key: 'src/db/query.js', data: { name: 'src/db/query.js', extra: { uriBaseId: '%SRCROOT%' } } });
  assert.deepEqual(link, {
    kind: 'link', findingKey: 'js/sql-injection', assetKey: 'src/db/query.js',
    detail: {
      path: 'src/db/query.js', startLine: 12, startColumn: 5, message: 'Problem of js/sql-injection at line 12', level: 'error',
      evidence: 'db.query("SELECT * FROM t WHERE id=" + req.query.id);',
    },
  });
});

test('one finding per rule that fired, none for rules without results; severities from score, level or default', async () => {
  const records = await parse(SARIF_CODEQL);
  const findings = findingsOf(records);
  assert.deepEqual([...findings.keys()], ['js/sql-injection', 'js/xss', 'js/unused-local-variable', 'js/todo-comment', 'js/weak-crypto']);
  assert.equal(records.filter((r) => r.kind === 'finding').length, 5, 'each finding is emitted once');
  assert.deepEqual([...findings.values()].map((f) => [f.severity, f.toolSeverity]), [
    ['Critical', '9.8'], ['High', '7.5'], ['Low', 'note'], ['Informational', 'none'], ['Medium', '5.0'],
  ]);
  assert.deepEqual(findings.get('js/xss')?.cwes, ['CWE-79', 'CWE-116']);
  assert.deepEqual(findings.get('js/weak-crypto')?.cwes, ['CWE-327']);
});

test('rule and artifact given by index are resolved; multi-byte URIs keep their case in the name', async () => {
  const records = await parse(SARIF_CODEQL);
  const unused = linksOf(records).find((l) => l.findingKey === 'js/unused-local-variable');
  assert.equal(unused?.assetKey, 'src/util/ütf8-名前.js');
  assert.equal(unused?.detail.evidence, 'let tmp = 1; // 🍮');
  assert.deepEqual(records.find((r) => r.kind === 'asset' && r.key === 'src/api/users.js'), {
    kind: 'asset', key: 'src/api/users.js', data: { name: 'src/api/Users.js', extra: { uriBaseId: '%SRCROOT%' } },
  });
  // A result without a location counts for its finding but names no artifact.
  assert.equal(linksOf(records).some((l) => l.findingKey === 'js/todo-comment'), false);
});

test('order does not matter: results before rules and artifacts, extension rules, undescribed rule ids', async () => {
  const records = await parse(SARIF_UNUSUAL_ORDER);
  const findings = findingsOf(records);
  assert.deepEqual(findings.get('PY002'), { title: 'Debug mode enabled', description: 'Debug mode enabled', cwes: ['CWE-489'], extra: { tool: 'Bandit', ruleName: 'debug-on' }, severity: 'Medium', toolSeverity: 'warning' });
  assert.deepEqual(findings.get('PY001'), { title: 'Use of eval', description: 'Use of eval', extra: { tool: 'Bandit', ruleName: 'eval-used' }, severity: 'High', toolSeverity: 'error' });
  const traversal = findings.get('python.path-traversal');
  assert.deepEqual([traversal?.cwes, traversal?.severity, traversal?.toolSeverity], [['CWE-22'], 'Medium', 'MEDIUM']);
  assert.deepEqual(findings.get('undescribed.rule'), {
    title: 'Hard-coded secret', description: 'Hard-coded secret\nin the settings module', extra: { tool: 'Semgrep OSS' }, severity: 'High', toolSeverity: 'error',
  });
  assert.deepEqual(linksOf(records).map((l) => [l.findingKey, l.assetKey]), [
    ['PY001', 'app/main.py'], ['python.path-traversal', 'app/files.py'], ['undescribed.rule', 'app/main.py'], ['PY002', 'app/settings.py'],
  ]);
  assert.equal(linksOf(records).find((l) => l.findingKey === 'undescribed.rule')?.detail.suppressed, true);
  assert.equal(records.some((r) => r.kind === 'asset' && r.key === 'app/other.py'), false, 'a pass result is no problem');
});

test('gives the same records whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  for (const text of [SARIF_CODEQL, SARIF_UNUSUAL_ORDER]) {
    const whole = await parse(text);
    for (const size of [1, 7]) {
      assert.deepEqual(await collect(sarifParser.parse(byteChunks(text, size))), whole, `chunk size ${size}`);
    }
  }
});

test('malformed and truncated logs fail with the record and line', async () => {
  const broken = SARIF_CODEQL.replace('"startLine": 30,', '"startLine": 30');
  const err = await rejectsWith(broken, /malformed JSON: expected ','.* in record \d+ \(runs\[0\]\.results\[2\]\)/);
  assert.equal(err.position.line, broken.slice(0, broken.indexOf('"startLine": 30')).split('\n').length + 1);
  await rejectsWith(SARIF_CODEQL.slice(0, SARIF_CODEQL.indexOf('js/weak-crypto')), /unexpected end of file.*truncated/);
});

test('an empty file, another JSON format or a non-JSON file is rejected with what was expected', async () => {
  await rejectsWith('', /empty file: expected a SARIF 2.1.0 log/);
  await rejectsWith(NUCLEI_V3_LINES, /more data after the end of the top-level value/);
  await rejectsWith('[{"template-id":"x"}]', /expected a SARIF 2.1.0 log \(a JSON object\), found a JSON array/);
  await rejectsWith('{"host":"h","vulnerabilities":[]}', /the top-level object has no "version" member/);
  await rejectsWith('{"version":"1.0.0","runLogs":[]}', /found SARIF version "1.0.0"/);
  await rejectsWith(SAMPLE_NESSUS, /expected a SARIF 2.1.0 log, but the file is not JSON/);
});

test('a rule without id, a result that is not an object, or a rule index nothing lists is rejected', async () => {
  await rejectsWith('{"version":"2.1.0","runs":[{"tool":{"driver":{"rules":[{"name":"x"}]}}}]}', /the rule at runs\[0\]\.tool\.driver\.rules\[0\] has no "id"/);
  await rejectsWith('{"version":"2.1.0","runs":[{"results":[42]}]}', /the result at runs\[0\]\.results\[0\] is not a JSON object/);
  await rejectsWith('{"version":"2.1.0","runs":[{"results":[{"ruleIndex":3}]}]}', /refers to a rule by index \(ruleIndex 3\) that run 0 does not list/);
});

test('a result larger than maxTokenChars is rejected', async () => {
  const big = JSON.stringify({ version: '2.1.0', runs: [{ results: [{ ruleId: 'r', message: { text: 'x'.repeat(3000) } }] }] });
  await assert.rejects(collect(sarifParser.parse(Readable.from([big]), { maxTokenChars: 1000 })), /record 2 \(runs\[0\]\.results\[0\]\) is larger than the limit of 1000 characters/);
});

test('sniff recognises SARIF by its $schema, or by version 2.1.0 with runs', () => {
  assert.equal(sarifParser.sniff(SARIF_CODEQL.slice(0, 200)), true);
  assert.equal(sarifParser.sniff('{"version":"2.1.0","runs":[{"tool":{}}]}'), true);
  assert.equal(sarifParser.sniff(NUCLEI_V3_LINES.slice(0, 2000)), false);
  assert.equal(sarifParser.sniff('{"host":"a","ip":"1.2.3.4","port":"80","banner":"","vulnerabilities":[]}'), false);
  assert.equal(sarifParser.sniff(SAMPLE_NESSUS.slice(0, 500)), false);
});
