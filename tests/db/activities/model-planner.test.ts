/**
 * The model planner's path on ordinary mission days, through the real plan activity and
 * PostgreSQL: the OpenAI-compatible local server answers a good plan, a plan that breaks the day's
 * limits, malformed JSON, a refusal, or too late. Every day ends with a plan that passes the
 * day's checks; a fallback's reason is recorded with the plan and, through the deliver step, in the
 * day's degraded reasons; the tokens of every answer are recorded with the plan.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MissionConfig, Workout } from '../../../src/domain/types';
import { checkPlan } from '../../../src/coaching/workout-validation';
import { weekMinutesBefore } from '../../../src/coaching';
import { rememberedDays } from '../../../src/activities/day-inputs';
import { openWorkerResources, type WorkerResources } from '../../../src/worker/activity-deps';
import { loadMissionFile } from '../../../src/mission';
import { addDays } from '../../../src/domain/iso-date';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { registerMission } from '../../support/day-activities';
import { DEFAULT_USAGE, type FakeAnswer, type FakeOpenAiServer, type RecordedRequest, startFakeOpenAiServer } from '../../support/fake-openai-server';

const START = '2025-07-05';
let db: TestDatabase;
let resources: WorkerResources;
let openai: FakeOpenAiServer;
let dir: string;
let tdf: MissionConfig;

interface PromptDecision {
  kind: string;
  maxDurationMin: number;
  tssBand: { min: number; max: number };
  maxPctFtp: number;
}

/** What the model was asked for: the decision's limits in the prompt's user message. */
function asked(req: RecordedRequest): { decision: PromptDecision; weeklyRemainingMin: number | null } {
  const messages = (req.body as { messages: { role: string; content: string }[] }).messages;
  return JSON.parse(messages.find((m) => m.role === 'user')!.content);
}

/** A plan that meets the day's limits, as a good model writes it: one steady block at the band's middle. */
function goodPlan(req: RecordedRequest): string {
  const { decision, weeklyRemainingMin } = asked(req);
  const duration = Math.floor(Math.min(decision.maxDurationMin, weeklyRemainingMin ?? Infinity));
  const mid = (decision.tssBand.min + decision.tssBand.max) / 2;
  const pct = Math.round(Math.min(decision.maxPctFtp, Math.sqrt(mid / ((duration / 60) * 100))) * 1000) / 1000;
  return JSON.stringify({
    title: 'Steady stage rehearsal',
    sport: 'cycling',
    durationMin: duration,
    intervals: [{ durationMin: duration, targetPctFtp: pct, hrZone: null, cadenceRpm: 90, cue: 'Hold it steady' }],
    notes: 'Eat every 30 minutes.',
    estimatedTss: Math.round(mid),
  });
}

/** A well-formed plan that breaks the day: the whole time at 105 % FTP, far above the band. */
function tooHard(req: RecordedRequest): string {
  const { decision } = asked(req);
  const duration = Math.floor(decision.maxDurationMin);
  return JSON.stringify({
    title: 'All out',
    sport: 'cycling',
    durationMin: duration,
    intervals: [{ durationMin: duration, targetPctFtp: 1.05, hrZone: null, cadenceRpm: 95, cue: 'Go' }],
    notes: '',
    estimatedTss: 60,
  });
}

const USAGE = { prompt_tokens: 731, completion_tokens: 154, total_tokens: 885 };

const CASES: { name: string; answer: (req: RecordedRequest) => FakeAnswer; source: Workout['source']; reason: RegExp | null; tokens: boolean }[] = [
  { name: 'a good plan', answer: (req) => ({ content: goodPlan(req), usage: USAGE }), source: 'llm', reason: null, tokens: true },
  { name: 'a plan that breaks the day’s limits', answer: (req) => ({ content: tooHard(req), usage: USAGE }), source: 'fallback', reason: /^model workout rejected: .*TSS computed from the intervals is [\d.]+, outside today's band/, tokens: true },
  { name: 'malformed JSON', answer: () => ({ content: '{"title": "Steady", "intervals": [', usage: USAGE }), source: 'fallback', reason: /^model answer rejected: answer is not valid JSON/, tokens: true },
  { name: 'a refusal', answer: () => ({ content: null, refusal: 'I cannot plan training sessions.', usage: USAGE }), source: 'fallback', reason: /^model refused: I cannot plan training sessions\.$/, tokens: true },
  // the answer would come a minute later; the client gives up after OPENAI_TIMEOUT_MS (the other cases wait 30 s)
  { name: 'a timeout', answer: (req) => ({ content: goodPlan(req), delayMs: 60_000 }), source: 'fallback', reason: /^model call timed out after 400 ms$/, tokens: false },
];

beforeAll(async () => {
  db = await createTestDatabase('lanterne_model_plan');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-model-plan-'));
  openai = await startFakeOpenAiServer();
  resources = await openWorkerResources({
    databaseUrl: db.url,
    env: { LANTERNE_DATA_SOURCE: 'synthetic', OPENAI_API_KEY: 'test-key-not-secret', OPENAI_BASE_URL: openai.baseUrl, OPENAI_MODEL: 'fake-coach-1', OPENAI_TIMEOUT_MS: '30000', OPENAI_MAX_RETRIES: '0' },
    outputDir: dir,
  });
  tdf = await loadMissionFile('missions/tdf_sim_2025.toml');
}, 60_000);

afterAll(async () => {
  await openai?.close();
  await resources?.close();
  db?.pool.on('error', () => undefined);
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the plan activity with a model on ordinary days', () => {
  it.each(CASES)('$name → a plan that passes the day’s checks, the reason and the tokens recorded', async ({ name, answer, source, reason, tokens }) => {
    resources.deps.env.OPENAI_TIMEOUT_MS = name === 'a timeout' ? '400' : '30000';
    const handle = `plan-${CASES.findIndex((c) => c.answer === answer)}`;
    const reg = await registerMission(resources.deps, { ...tdf, id: `model_${handle}`, athlete: { ...tdf.athlete, handle } }, START);
    const scope = { missionId: reg.mission.id, athlete: handle };
    // an ordinary day: a stage with its own training, the coach deciding from the synthetic athlete
    const key = reg.key(1);
    const observed = await reg.activities.observeDay(key);
    const decided = await reg.activities.decideDay(key);
    expect(decided.decision).not.toBe('rest');

    openai.requests.length = 0;
    openai.setHandler((req) => answer(req));
    const planned = await reg.activities.planDay(key);
    expect(openai.requests).toHaveLength(1);
    const delivered = await reg.activities.deliverDay(key, { degraded: [...observed.degraded, ...decided.degraded, ...(planned.degraded ? [planned.degraded] : [])] });

    const day = await resources.deps.memory.reads.getDay(scope, key.date);
    const workout = day.plan!;
    const decision = day.decision!.decision;
    // the model saw the recorded decision's limits
    const prompt = asked(openai.requests[0]).decision;
    expect(prompt).toEqual(expect.objectContaining({ kind: decision.decision, maxDurationMin: decision.maxDurationMin, tssBand: decision.tssBand }));

    // whatever the answer, the day's plan passes the day's checks
    expect(workout.source).toBe(source);
    const past = await resources.deps.memory.reads.history(scope, addDays(key.date, -28), addDays(key.date, -1));
    const weeklyRemainingMin = Math.max(0, Math.floor(reg.mission.goals.weeklyHoursCap * 60 - weekMinutesBefore(rememberedDays(past), key.date)));
    const asPlanned = { ...workout, estimatedTss: null, intervals: workout.intervals.map((i) => ({ durationMin: i.durationMin, targetPctFtp: i.targetPctFtp, hrZone: i.hrZone, cadenceRpm: i.cadenceRpm, cue: i.cue })) };
    expect(checkPlan(asPlanned, { decision, athlete: reg.mission.athlete, weeklyRemainingMin })).toEqual([]);
    expect(workout.targetTss).toBeGreaterThanOrEqual(decision.tssBand.min);
    expect(workout.targetTss).toBeLessThanOrEqual(decision.tssBand.max);

    // the reason, with the plan and in the day's degraded reasons
    const row = (await db.pool.query(`SELECT source, fallback_reason, prompt_tokens, completion_tokens, total_tokens FROM plans WHERE athlete = $1 AND mission_id = $2 AND day = $3`, [handle, scope.missionId, key.date])).rows[0];
    const run = (await db.pool.query(`SELECT status, degraded_reasons FROM day_runs WHERE athlete = $1 AND mission_id = $2 AND day = $3`, [handle, scope.missionId, key.date])).rows[0];
    expect(row.source).toBe(source);
    if (reason) {
      expect(row.fallback_reason).toMatch(reason);
      expect(planned.degraded).toBe(`planner fell back to a template: ${row.fallback_reason}`);
      expect(run.status).toBe('degraded');
      expect(run.degraded_reasons).toContain(planned.degraded);
      expect(delivered.degraded).toContain(planned.degraded);
    } else {
      expect(row.fallback_reason).toBeNull();
      expect(planned.degraded).toBeNull();
      expect((run.degraded_reasons as string[]).filter((r) => r.includes('planner'))).toEqual([]);
    }
    // the tokens of every answer are counted; a call that timed out had no answer to count
    const expected = tokens ? USAGE : null;
    expect(row.prompt_tokens === null ? null : { prompt_tokens: row.prompt_tokens, completion_tokens: row.completion_tokens, total_tokens: row.total_tokens }).toEqual(expected);
    expect(workout.tokenUsage).toEqual(tokens ? { prompt: USAGE.prompt_tokens, completion: USAGE.completion_tokens, total: USAGE.total_tokens } : null);
    expect(USAGE).not.toEqual(DEFAULT_USAGE);
  });
});
