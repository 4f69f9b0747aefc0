-- The reaper looks for imports queued for a while with no live job (stalled-imports.ts), on a
-- timer in every worker: queued imports are few, and this finds them without scanning them all.
CREATE INDEX imports_queued_idx ON imports (last_updated_at) WHERE state = 'queued';
