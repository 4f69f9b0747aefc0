/**
 * One dedicated PostgreSQL connection that LISTENs on a channel and hands each notification's
 * payload on. The connection outlives database outages: when it is lost (restart, network) a new
 * one is made every second until it connects, and `onReconnect` is told, since notifications sent
 * meanwhile were missed.
 */
import pg from 'pg';
import type { Logger } from '../logging.js';

export interface ChannelListenerOptions {
  databaseUrl: string;
  /** A constant SQL identifier (LISTEN takes no parameter). */
  channel: string;
  /** Shows in pg_stat_activity. */
  applicationName: string;
  log: Logger;
  connectTimeoutMs: number;
  onNotification: (payload: string) => void;
  /** Called after a lost connection is replaced: whatever was notified meanwhile was missed. */
  onReconnect: () => void;
}

const RETRY_MS = 1000;

export class ChannelListener {
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: ChannelListenerOptions) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`not a plain channel name: ${options.channel}`);
  }

  /** Connects and LISTENs; rejects when the first attempt fails (the caller decides what that means). */
  async start(): Promise<void> {
    const { databaseUrl, channel, applicationName, connectTimeoutMs, log } = this.options;
    const client = new pg.Client({ connectionString: databaseUrl, application_name: applicationName, connectionTimeoutMillis: connectTimeoutMs, keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === channel) this.options.onNotification(message.payload ?? '');
    });
    // A database restart ends the connection with an error, or sometimes just ends it: either way
    // this connection is done, and (once) a new one is made.
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      log.warn({ channel, reason: error?.message ?? 'connection ended' }, 'notification connection lost; reconnecting');
      this.reconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
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

  /** Like start(), but a failed first attempt is retried in the background instead of reported. */
  async startOrKeepTrying(): Promise<void> {
    await this.start().catch((error: Error) => {
      this.options.log.warn({ channel: this.options.channel, reason: error.message }, 'cannot listen for notifications yet; retrying');
      this.reconnect();
    });
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
        () => {
          if (this.closed) return;
          this.options.log.info({ channel: this.options.channel }, 'listening for notifications again');
          this.options.onReconnect();
        },
        () => this.reconnect(),
      );
    }, RETRY_MS);
    this.retry.unref();
  }
}
