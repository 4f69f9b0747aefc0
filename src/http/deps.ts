/** What the HTTP layer needs, built once per api process by src/main/api.ts. */
import type PgBoss from 'pg-boss';
import type { Config } from '../config/config.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logging.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { TokenSigner } from '../auth/tokens.js';
import type { ImportEvents } from '../events/import-events.js';

export interface AppDeps {
  config: Config;
  pool: Pool;
  boss: PgBoss;
  store: ObjectStore;
  tokens: TokenSigner;
  log: Logger;
  /** Notifications of import changes (SSE); without it, SSE streams poll. */
  events?: ImportEvents;
  /** Answers /healthz: true once everything the api needs is up. */
  isReady?: () => boolean;
}
