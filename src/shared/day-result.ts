import type { DecisionKind, IsoDate, LoadFigures, ReadinessState } from '../domain/types';

export interface DayNotification {
  channel: string;
  status: 'sent' | 'skipped' | 'failed' | 'already-sent' | 'deferred';
  detail: string;
}

/** What a day's cycle returns to its mission (small: details live in PostgreSQL and the report). */
export interface DayResult {
  date: IsoDate;
  status: 'ok' | 'degraded' | 'failed';
  state: ReadinessState;
  decision: DecisionKind;
  load: LoadFigures;
  workoutTitle: string;
  reportPaths: string[];
  notifications: DayNotification[];
  degraded: string[];
}
