/**
 * Fans PostgreSQL notifications of import changes (channel `intake_import`, sent by a trigger on
 * every visible change) out to the subscribers of this process — the SSE streams. One dedicated
 * connection per api process LISTENs; it reconnects by itself when the database goes away.
 */
import type { Logger } from '../logging.js';
import { ChannelListener } from './channel-listener.js';

type Listener = () => void;

export class ImportEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly channel: ChannelListener;

  constructor(databaseUrl: string, log: Logger, connectTimeoutMs = 5000) {
    this.channel = new ChannelListener({
      databaseUrl,
      channel: 'intake_import',
      applicationName: 'intake-events',
      log,
      connectTimeoutMs,
      onNotification: (importId) => {
        for (const listener of this.listeners.get(importId) ?? []) listener();
      },
      // Subscribers may have missed changes while disconnected: wake them all to re-read.
      onReconnect: () => this.listeners.forEach((set) => set.forEach((listener) => listener())),
    });
  }

  start(): Promise<void> {
    return this.channel.start();
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

  stop(): Promise<void> {
    return this.channel.stop();
  }
}
