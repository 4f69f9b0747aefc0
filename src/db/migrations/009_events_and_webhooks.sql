-- Live progress and webhooks.

-- Every visible change of an import (state, progress, counters) is announced on the channel
-- `intake_import` with the import's id; api processes LISTEN and push it to SSE subscribers.
CREATE FUNCTION intake_notify_import_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.state, NEW.processed_bytes, NEW.processed_objects, NEW.cancel_requested, NEW.error_status)
     IS DISTINCT FROM (OLD.state, OLD.processed_bytes, OLD.processed_objects, OLD.cancel_requested, OLD.error_status) THEN
    PERFORM pg_notify('intake_import', NEW.id::text);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER imports_notify_change AFTER UPDATE ON imports FOR EACH ROW EXECUTE FUNCTION intake_notify_import_change();

CREATE TABLE webhooks (
  id          uuid PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  url         text NOT NULL,
  -- which events it wants: import.completed, import.failed
  events      text[] NOT NULL,
  secret      text NOT NULL,
  created_by  bigint REFERENCES users(id),
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_tenant_idx ON webhooks (tenant_id) WHERE is_active;

-- One row per (event, webhook): the delivery queue and its log. Rows are created by a trigger in
-- the same transaction as the import's state change, so no event is ever lost or invented.
CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  webhook_id       uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  import_id        uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  event            text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_status      integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC);

CREATE FUNCTION intake_queue_import_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event_name text;
BEGIN
  IF NEW.state IS DISTINCT FROM OLD.state AND NEW.state IN ('succeeded', 'failed') THEN
    event_name := CASE NEW.state WHEN 'succeeded' THEN 'import.completed' ELSE 'import.failed' END;
    INSERT INTO webhook_deliveries (webhook_id, import_id, event)
      SELECT w.id, NEW.id, event_name FROM webhooks w
       WHERE w.tenant_id = NEW.tenant_id AND w.is_active AND event_name = ANY (w.events);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER imports_queue_webhooks AFTER UPDATE ON imports FOR EACH ROW EXECUTE FUNCTION intake_queue_import_webhooks();
