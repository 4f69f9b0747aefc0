import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ImportRow } from '../../db/repositories/imports.repository.js';
import type { ImportState } from '../../imports/import-state.js';
import { importJobView, progressOf } from './imports.view.js';

function row(overrides: Partial<ImportRow> = {}): ImportRow {
  return {
    id: '6f1c2a9e-8d3b-4c55-9a10-2b7e4f0c1d23',
    kind: 'file',
    tenant_id: 1,
    user_id: 2,
    client_id: 10,
    report_id: 20,
    source: 'nessus',
    file_location: 'cabc/scan.nessus',
    original_filename: 'scan.nessus',
    file_type: 'text/xml',
    file_size: 2000,
    parser_actions_enabled: false,
    processed_bytes: 500,
    processed_findings: 4,
    processed_assets: 3,
    processed_finding_assets: 5,
    processed_evidence: 1,
    findings_created: 2,
    findings_updated: 1,
    findings_unchanged: 1,
    asset_tags: ['prod'],
    finding_tags: [],
    state: 'running',
    error_status: null,
    attempt: 1,
    created_at: new Date('2024-01-01T10:00:00.000Z'),
    last_updated_at: new Date('2024-01-01T10:05:00.000Z'),
    failure_notified_at: null,
    ...overrides,
  };
}

describe('progressOf', () => {
  test('is the floored percentage of bytes processed', () => {
    assert.equal(progressOf({ state: 'running', processed_bytes: 500, file_size: 2000 }), 25);
    assert.equal(progressOf({ state: 'running', processed_bytes: 1, file_size: 3 }), 33);
    assert.equal(progressOf({ state: 'queued', processed_bytes: 0, file_size: 2000 }), 0);
  });

  test('stays below 100 until the import succeeds', () => {
    assert.equal(progressOf({ state: 'running', processed_bytes: 2000, file_size: 2000 }), 99);
    assert.equal(progressOf({ state: 'running', processed_bytes: 5000, file_size: 2000 }), 99);
    assert.equal(progressOf({ state: 'failed', processed_bytes: 1999, file_size: 2000 }), 99);
  });

  test('is 100 once succeeded, whatever the counters say', () => {
    assert.equal(progressOf({ state: 'succeeded', processed_bytes: 0, file_size: 2000 }), 100);
    assert.equal(progressOf({ state: 'succeeded', processed_bytes: 0, file_size: 0 }), 100);
  });

  test('is 0 for an empty file that has not succeeded', () => {
    assert.equal(progressOf({ state: 'running', processed_bytes: 0, file_size: 0 }), 0);
  });
});

describe('importJobView', () => {
  test('maps each state to its spec 1 status word', () => {
    const expected: Record<ImportState, string> = {
      queued: 'IN QUEUE',
      running: 'PROCESSING',
      succeeded: 'IMPORT COMPLETE',
      failed: 'ERROR',
      canceled: 'ERROR',
    };
    for (const [state, status] of Object.entries(expected) as [ImportState, string][]) {
      assert.equal(importJobView(row({ state }), 'ana@example.com').status, status, state);
    }
  });

  test('gives the full spec 1 shape, with byte counts as strings', () => {
    const view = importJobView(row({ file_size: 123456789012, processed_bytes: 42 }), 'ana@example.com');
    assert.deepEqual(view, {
      id: '6f1c2a9e-8d3b-4c55-9a10-2b7e4f0c1d23',
      user_id: 2,
      user_email: 'ana@example.com',
      tenant_id: 1,
      client_id: 10,
      report_id: 20,
      source: 'nessus',
      file_location: 'cabc/scan.nessus',
      original_filename: 'scan.nessus',
      file_type: 'text/xml',
      file_size: '123456789012',
      parser_actions_enabled: false,
      processed_bytes: '42',
      processed_findings: 4,
      processed_assets: 3,
      processed_finding_assets: 5,
      processed_evidence: 1,
      findings_created: 2,
      findings_updated: 1,
      findings_unchanged: 1,
      asset_tags: ['prod'],
      finding_tags: [],
      created_at: '2024-01-01T10:00:00.000Z',
      last_updated_at: '2024-01-01T10:05:00.000Z',
      failure_notified_at: null,
      status: 'PROCESSING',
      error_status: null,
    });
  });

  test('a failed import carries its error text and notification time', () => {
    const view = importJobView(
      row({ state: 'failed', error_status: 'line 3: not a Nessus file', failure_notified_at: new Date('2024-01-01T10:06:00.000Z') }),
      'ana@example.com',
    );
    assert.equal(view.status, 'ERROR');
    assert.equal(view.error_status, 'line 3: not a Nessus file');
    assert.equal(view.failure_notified_at, '2024-01-01T10:06:00.000Z');
  });
});
