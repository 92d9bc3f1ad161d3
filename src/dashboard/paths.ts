/** The dashboard's addresses, built in one place (every mission address names its athlete). */
import type { IsoDate } from '../domain/types';
import { dayWorkflowId, legacyMissionWorkflowId } from '../shared/mission-api';

export interface TemporalUiLink {
  /** Base URL of the Temporal UI, e.g. http://127.0.0.1:8233 (no trailing slash needed). */
  baseUrl: string;
  namespace: string;
}

type MissionRef = { athlete: string; id: string };

export function missionPath(m: MissionRef): string {
  return `/missions/${encodeURIComponent(m.athlete)}/${encodeURIComponent(m.id)}`;
}

export function calendarPath(m: MissionRef): string {
  return `${missionPath(m)}/calendar`;
}

export function dayPath(m: MissionRef, date: IsoDate): string {
  return `${missionPath(m)}/days/${date}`;
}

export function statusPath(m: MissionRef): string {
  return `${missionPath(m)}/status.json`;
}

/**
 * A day's workflow id: the one recorded with the day's run, else the one its mission's workflow
 * gives it. The only place the dashboard derives workflow ids.
 */
export function dayWorkflowIdOf(m: { id: string; workflowId: string | null }, date: IsoDate, run?: { workflowId: string | null } | null): string {
  return run?.workflowId ?? dayWorkflowId(m.workflowId ?? legacyMissionWorkflowId(m.id), date);
}

export function workflowUrl(link: TemporalUiLink, workflowId: string): string {
  const base = link.baseUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(link.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
