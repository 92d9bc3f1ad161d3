import type { MemoryStore } from '../memory';
import type { StravaRateLimiter } from '../observation';
import type { TokenStore } from '../secrets';
import type { PelotonClass } from '../coaching';
import type { Mailer, Notifier, NotifyConfig, Outbox } from '../communication';

/** What the activities need from the process: built once by the worker, replaced in tests. */
export interface ActivityDeps {
  memory: MemoryStore;
  tokens: TokenStore;
  /** Notification settings from the environment (validated once at worker start). */
  notify: NotifyConfig;
  /** Replaces the notifier built from `notify` (tests that inject a failing mailer, for instance). */
  notifier?: (outbox: Outbox) => Notifier;
  /** The worker's one SMTP mailer (pooled connections), shared by every notification; else one connection per message. */
  mailer?: Mailer;
  outputDir: string;
  env: NodeJS.ProcessEnv;
  /** Temporal UI base URL for links in reports, when a UI runs. */
  temporalUiUrl: string | null;
  namespace: string;
  stravaLimiter?: StravaRateLimiter;
  /** The offline Peloton demo catalogue (loaded once), used when no Peloton library is synced. */
  catalogue?: PelotonClass[];
}

/** Days of history the observation reads (rides and nightly HRV) for the load model. */
export const HISTORY_DAYS = 90;
