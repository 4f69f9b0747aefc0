/**
 * Fans PostgreSQL notifications of import changes (channel `intake_import`, sent by a trigger on
 * every visible change) out to the subscribers of this process — the SSE streams. One dedicated
 * connection per api process LISTENs; it reconnects by itself when the database goes away.
 */
import pg from 'pg';
import type { Logger } from '../logging.js';

type Listener = () => void;

export class ImportEvents {
  private client: pg.Client | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly databaseUrl: string, private readonly log: Logger, private readonly connectTimeoutMs = 5000) {}

  async start(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'intake-events',
      connectionTimeoutMillis: this.connectTimeoutMs,
      keepAlive: true,
    });
    client.on('notification', (message) => {
      for (const listener of this.listeners.get(message.payload ?? '') ?? []) listener();
    });
    // A database restart ends the connection with an error, or sometimes just ends it: either way
    // this connection is done, and (once) a new one is made.
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.log.warn({ reason: error?.message ?? 'connection ended' }, 'import event connection lost; reconnecting');
      this.reconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query('LISTEN intake_import');
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
  }

  /** Calls `listener` whenever import `id` changes; returns the function that stops it. */
  subscribe(id: string, listener: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.listeners.delete(id);
    };
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private reconnect(): void {
    const old = this.client;
    this.client = null;
    old?.end().catch(() => {});
    if (this.closed) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.start().then(
        // Subscribers may have missed changes while disconnected: wake them all to re-read.
        () => this.listeners.forEach((set) => set.forEach((listener) => listener())),
        () => this.reconnect(),
      );
    }, 1000);
    this.retry.unref();
  }
}
