/** Spec 1's `importJob` object and `my-imports` list item, field for field. */
import { Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const ImportJob = Type.Object({
  id: Type.String(),
  user_id: Type.Integer(),
  user_email: Type.String(),
  tenant_id: Type.Integer(),
  client_id: Type.Union([Type.Integer(), Type.Null()]),
  report_id: Type.Union([Type.Integer(), Type.Null()]),
  source: Type.String(),
  file_location: Type.String(),
  original_filename: Type.String(),
  file_type: Type.String(),
  file_size: Type.String(),
  parser_actions_enabled: Type.Boolean(),
  processed_bytes: Type.String(),
  processed_findings: Type.Integer(),
  processed_assets: Type.Integer(),
  processed_finding_assets: Type.Integer(),
  processed_evidence: Type.Integer(),
  findings_created: Type.Integer(),
  findings_updated: Type.Integer(),
  findings_unchanged: Type.Integer(),
  asset_tags: Type.Array(Type.String()),
  finding_tags: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  last_updated_at: Type.String({ format: 'date-time' }),
  failure_notified_at: Nullable(Type.String()),
  status: Type.Union([Type.Literal('IN QUEUE'), Type.Literal('PROCESSING'), Type.Literal('IMPORT COMPLETE'), Type.Literal('ERROR')]),
  error_status: Nullable(Type.String()),
});

export const MyImport = Type.Object({
  key: Type.String(),
  name: Type.String(),
  reportName: Type.String(),
  clientName: Type.String(),
  fileSize: Type.String(),
  status: Type.String(),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  errorStatus: Nullable(Type.String()),
  source: Type.String(),
});
