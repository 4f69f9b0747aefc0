/**
 * The one way to reach PostgreSQL: a `pg` pool, and a helper for transactions.
 */
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: the pool itself or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

// int8 (bigserial ids, byte counts) fits JavaScript numbers for every value Intake stores.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PoolTimeouts {
  /** Waiting for a connection (a new one, or a free one from the pool) fails after this long. */
  connectTimeoutMs?: number;
  /**
   * The server cancels any statement running longer (0 or absent: no limit); the client gives up
   * a few seconds later still, for a server or network that has stopped answering altogether.
   */
  statementTimeoutMs?: number;
}

/** How much longer than the server's statement limit the client waits for an answer. */
const CLIENT_GRACE_MS = 5000;

/** `onConnect` runs on every new connection, before the pool hands it out. */
export function createPool(connectionString: string, max = 10, timeouts: PoolTimeouts = {}, onConnect?: (client: pg.ClientBase) => Promise<void>): Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'intake',
    // A database that is down or unreachable must give an error, not a request that hangs.
    connectionTimeoutMillis: timeouts.connectTimeoutMs ?? 0,
    // Notices a dead peer (host gone, network cut) on an otherwise idle connection.
    keepAlive: true,
    // pg-pool awaits a returned promise (its types say void).
    ...(onConnect ? { onConnect: onConnect as (client: pg.ClientBase) => void } : {}),
    ...(timeouts.statementTimeoutMs ? { statement_timeout: timeouts.statementTimeoutMs, query_timeout: timeouts.statementTimeoutMs + CLIENT_GRACE_MS } : {}),
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failure = error as Error;
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    // As pool.query does: a connection that saw an error is closed rather than reused, since it
    // may be broken (server gone, a timed-out query still pending on it).
    client.release(failure);
  }
}
