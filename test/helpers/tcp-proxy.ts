/**
 * A TCP proxy between Intake and its PostgreSQL, for network faults on a database server the tests
 * do not own: `refuse` is a server that went away (connections reset, new ones refused),
 * `blackhole` a server or network that stopped answering (connections accepted, nothing comes
 * back), `pass` the healthy state.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'blackhole';

export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<[Socket, Socket]>();
  private mode: ProxyMode = 'pass';
  port = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {}

  /** Rewrites a postgres URL to go through the proxy. */
  static async for(databaseUrl: string): Promise<{ proxy: TcpProxy; url: string }> {
    const url = new URL(databaseUrl);
    const proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    await proxy.listen();
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    return { proxy, url: url.toString() };
  }

  async set(mode: ProxyMode): Promise<void> {
    const previous = this.mode;
    this.mode = mode;
    if (mode === 'blackhole') {
      // Connections stay open, but nothing passes any more, either way.
      for (const [client, upstream] of this.pairs) {
        client.unpipe(upstream).pause();
        upstream.unpipe(client).pause();
      }
      return;
    }
    // Leaving a fault (or entering `refuse`): its connections end as a reset would end them.
    if (mode === 'refuse' || previous !== 'pass') this.destroyAll();
    if (mode === 'refuse') await this.close();
    else if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.destroyAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      this.track(client);
      if (this.mode === 'blackhole') return; // accepted, never answered
      const upstream = connect(this.targetPort, this.targetHost);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const end = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      // The same port every time, so the database URL given to Intake stays right.
      server.listen(this.port, '127.0.0.1', () => {
        const address = server.address();
        this.port = typeof address === 'object' && address ? address.port : 0;
        resolve();
      });
    });
  }

  private destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.pairs.clear();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
  }
}
