-- Crash recovery: the worker running an import beats a heartbeat; an import whose heartbeat stops
-- is handed back to the queue (its job failed into a retry) instead of waiting for the job to expire.
ALTER TABLE imports
  ADD COLUMN job_id uuid,
  ADD COLUMN heartbeat_at timestamptz;
CREATE INDEX imports_running_heartbeat_idx ON imports (heartbeat_at) WHERE state = 'running';
