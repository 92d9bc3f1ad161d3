import type { IsoDate } from '../domain/types';

/** The block summary a mission returns when its last day has run. */
export interface MissionSummary {
  missionId: string;
  name: string;
  days: number;
  ok: number;
  degraded: number;
  failed: number;
  skipped: number;
  decisions: Record<string, number>;
  firstDate: IsoDate | null;
  lastDate: IsoDate | null;
  ctlStart: number | null;
  ctlEnd: number | null;
  summaryPaths: string[];
}
