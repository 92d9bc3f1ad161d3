/**
 * The burst benchmark's floor: activities with no-op bodies, one for each step of a Lanterne day
 * (register the mission; observe, decide, plan, deliver the day). They answer at once with
 * payloads of about the size Lanterne's steps return, so a bare day costs what Temporal and the
 * worker cost for that shape and nothing else.
 */
export interface BareKey {
  missionId: string;
  athlete: string;
  date: string;
  dayIndex: number;
  dayWorkflowId: string;
}

export function createBareActivities() {
  return {
    async bareRegister(input: { missionId: string }): Promise<{ missionId: string; configHash: string }> {
      return { missionId: input.missionId, configHash: 'bare' };
    },
    async bareObserve(key: BareKey): Promise<{ date: string; degraded: string[] }> {
      return { date: key.date, degraded: [] };
    },
    async bareDecide(key: BareKey): Promise<{ date: string; decision: string; degraded: string[] }> {
      return { date: key.date, decision: 'as_planned', degraded: [] };
    },
    async barePlan(key: BareKey): Promise<{ date: string; workoutTitle: string; degraded: string | null }> {
      return { date: key.date, workoutTitle: 'bare', degraded: null };
    },
    async bareDeliver(key: BareKey, input: { degraded: string[] }): Promise<{ status: string; degraded: string[] }> {
      return { status: 'ok', degraded: input.degraded };
    },
  };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
