/**
 * The planner through the REAL openai SDK against a local server speaking the chat-completions
 * API: a valid answer is used (with TSS recomputed and targets personalised); every other kind
 * of answer falls back to the templates with the reason and the token usage on record.
 */
import type { Decision, MissionDay } from '../../../src/domain/types';
import { type PlanRequest, planWorkout, plannerFromEnv } from '../../../src/coaching/planner';
import { checkPlan } from '../../../src/coaching/workout-validation';
import { type FakeAnswer, type FakeOpenAiServer, startFakeOpenAiServer } from '../../support/fake-openai-server';
import { ATHLETE, PLANNER, missionDay } from './fixtures';

const MOUNTAIN: MissionDay = {
  ...missionDay('2025-07-14'),
  // Free text a mission author could write: none of it may reach the model.
  name: "marie-velo's big day (marie@example.com)",
  notes: 'Tell marie@example.com how it went; Strava athlete 123456789',
  training: { mode: 'indoor', durationMin: 90, focus: 'Climbing like Marie-Velo, report to marie@example.com, athlete 123456789' },
};

const DECISION: Decision = {
  date: '2025-07-14',
  state: 'ready',
  decision: 'as_planned',
  rationale: ['HRV 50 ms is 2% above your 7-day baseline of 49 ms.'],
  confidence: 1,
  negotiation: null,
  tssBand: { min: 70, max: 100 },
  maxDurationMin: 90,
  degraded: [],
};

function request(over: Partial<PlanRequest> = {}): PlanRequest {
  return { day: MOUNTAIN, decision: DECISION, athlete: ATHLETE, weeklyRemainingMin: 400, recent: [{ date: '2025-07-13', decision: 'as_planned', plannedTss: 60, rpe: 5 }], language: 'en', ...over };
}

/** 90 min: 15 warm-up, 3 × (12 @ 0.92 + 8 @ 0.6), 15 endurance — TSS ≈ 87. */
const GOOD = {
  title: 'Puy de Sancy climbs',
  sport: 'cycling',
  durationMin: 90,
  intervals: [
    { durationMin: 15, targetPctFtp: 0.6, hrZone: null, cadenceRpm: 90, cue: 'Warm up' },
    { durationMin: 12, targetPctFtp: 0.92, hrZone: null, cadenceRpm: 75, cue: 'Climb 1' },
    { durationMin: 8, targetPctFtp: 0.6, hrZone: null, cadenceRpm: 90, cue: 'Descend' },
    { durationMin: 12, targetPctFtp: 0.92, hrZone: null, cadenceRpm: 75, cue: 'Climb 2' },
    { durationMin: 8, targetPctFtp: 0.6, hrZone: null, cadenceRpm: 90, cue: 'Descend' },
    { durationMin: 12, targetPctFtp: 0.92, hrZone: null, cadenceRpm: 75, cue: 'Climb 3' },
    { durationMin: 8, targetPctFtp: 0.6, hrZone: null, cadenceRpm: 90, cue: 'Descend' },
    { durationMin: 15, targetPctFtp: null, hrZone: 2, cadenceRpm: 90, cue: 'Endurance by heart rate' },
  ],
  notes: 'Fuel on the descents.',
  estimatedTss: 40,
};

describe('planner through the openai SDK', () => {
  let server: FakeOpenAiServer;
  // A generous timeout (a loaded machine may be slow to answer on loopback); the timeout case sets its own.
  const env = (timeoutMs = 30_000): NodeJS.ProcessEnv => ({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: server.baseUrl, OPENAI_MODEL: 'fake-coach-1', OPENAI_TIMEOUT_MS: String(timeoutMs), OPENAI_MAX_RETRIES: '0' });
  const answer = (a: FakeAnswer): void => server.setHandler(() => a);

  beforeAll(async () => {
    server = await startFakeOpenAiServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('uses a valid answer, recomputes TSS and fills watts and heart rates from the athlete', async () => {
    answer({ content: JSON.stringify(GOOD), usage: { prompt_tokens: 500, completion_tokens: 300, total_tokens: 800 } });
    const workout = await planWorkout(request(), plannerFromEnv(PLANNER, env()));
    expect(workout.source).toBe('llm');
    expect(workout.fallbackReason).toBeNull();
    expect(workout.title).toBe('Puy de Sancy climbs');
    // 0.25·0.36 + 0.6·0.8464 + 0.4·0.36 + 0.25·0.4225 (HR zone 2 counts as IF 0.65) = 0.8486 → 85, not the model's 40.
    expect(workout.targetTss).toBe(85);
    expect(workout.intervals[1]).toEqual(expect.objectContaining({ targetPctFtp: 0.92, targetWatts: 230, targetHr: { low: 162, high: 179 } }));
    expect(workout.intervals[7]).toEqual(expect.objectContaining({ hrZone: 2, targetWatts: null, targetHr: { low: 117, high: 141 } }));
    expect(workout.tokenUsage).toEqual({ prompt: 500, completion: 300, total: 800 });

    const body = server.requests[0].body as { model: string; response_format: { type: string; json_schema: { strict: boolean; schema: { required: string[] } } } };
    expect(body.model).toBe('fake-coach-1');
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.response_format.json_schema.schema.required).toContain('intervals');
    expect(server.requests[0].headers.authorization).toBe('Bearer test-key');
  });

  it('sends the minimum: no handle, e-mail address, account id or free-text names', async () => {
    answer({ content: JSON.stringify(GOOD) });
    await planWorkout(request({ redact: [ATHLETE.handle] }), plannerFromEnv(PLANNER, env()));
    const raw = server.requests[0].raw;
    const context = JSON.parse((server.requests[0].body as { messages: { content: string }[] }).messages[1].content);
    expect(context.stage).toEqual(expect.objectContaining({ number: 10, type: 'mountain' }));
    expect(context.decision).toEqual(expect.objectContaining({ kind: 'as_planned', maxDurationMin: 90, tssBand: { min: 70, max: 100 } }));
    expect(raw).not.toContain(ATHLETE.handle);
    expect(raw).not.toContain('marie');
    expect(raw).not.toContain('@');
    expect(raw).not.toContain('123456789');
    expect(raw).not.toContain(String(ATHLETE.ftpW));
    expect(context.stage.focus).toBe('Climbing like [redacted], report to [redacted] athlete [redacted]');
  });

  it('a server that cannot be reached → fallback, reported as a connection failure', async () => {
    const closed = await startFakeOpenAiServer();
    const url = closed.baseUrl;
    await closed.close();
    const workout = await planWorkout(request(), plannerFromEnv(PLANNER, { ...env(), OPENAI_BASE_URL: url }));
    expect(workout.source).toBe('fallback');
    expect(workout.fallbackReason).toBe('model call failed: Connection error.');
  });

  it('defaults the model to the mission planner option', async () => {
    answer({ content: JSON.stringify(GOOD) });
    const { OPENAI_MODEL: _unused, ...rest } = env();
    await planWorkout(request(), plannerFromEnv({ useLlm: true, model: 'mission-model' }, rest));
    expect((server.requests[0].body as { model: string }).model).toBe('mission-model');
  });

  const failures: Array<{ name: string; answer: FakeAnswer; reason: string; usage: boolean; timeoutMs?: number }> = [
    { name: 'invalid JSON', answer: { content: '{"title": "Half a worko' }, reason: 'model answer rejected: answer is not valid JSON', usage: true },
    {
      name: 'schema-violating answer',
      answer: { content: JSON.stringify({ ...GOOD, intervals: [{ ...GOOD.intervals[0], targetPctFtp: null, hrZone: 9 }], extra: 1 }) },
      reason: 'intervals.0.hrZone',
      usage: true,
    },
    { name: 'refusal', answer: { content: null, refusal: "I can't help with that." }, reason: "model refused: I can't help with that.", usage: true },
    { name: 'slow server (timeout)', answer: { content: JSON.stringify(GOOD), delayMs: 60_000 }, reason: 'model call timed out after 300 ms', usage: false, timeoutMs: 300 },
    { name: 'HTTP 500', answer: { status: 500 }, reason: 'model API error 500', usage: false },
    { name: 'empty answer cut by the length limit', answer: { content: '', finishReason: 'length' }, reason: 'model answer was empty (finish reason length)', usage: true },
    { name: 'an answer with no choices', answer: { body: { id: 'chatcmpl-empty', object: 'chat.completion', created: 1_752_480_000, model: 'fake-coach-1', choices: [], usage: { prompt_tokens: 412, completion_tokens: 236, total_tokens: 648 } } }, reason: 'model answer had no choices', usage: true },
    {
      name: 'intervals not adding up',
      answer: { content: JSON.stringify({ ...GOOD, durationMin: 80 }) },
      reason: 'intervals add up to 90 min but the workout states 80 min',
      usage: true,
    },
    {
      name: 'TSS out of band',
      answer: { content: JSON.stringify({ ...GOOD, intervals: GOOD.intervals.map((i) => ({ ...i, targetPctFtp: i.targetPctFtp === null ? null : 0.55 })) }) },
      reason: "TSS computed from the intervals is 48.4, outside today's band 70–100 (the answer claimed 40)",
      usage: true,
    },
    {
      name: 'longer than the time available',
      answer: { content: JSON.stringify({ ...GOOD, durationMin: 120, intervals: [...GOOD.intervals, { durationMin: 30, targetPctFtp: 0.3, hrZone: null, cadenceRpm: 85, cue: 'More' }] }) },
      reason: 'duration 120 min is longer than the 90 min available today',
      usage: true,
    },
  ];

  it.each(failures)('$name → fallback with the reason', async ({ answer: a, reason, usage, timeoutMs }) => {
    answer(a);
    const req = request();
    const workout = await planWorkout(req, plannerFromEnv(PLANNER, env(timeoutMs)));
    expect(server.requests).toHaveLength(1);
    expect(workout.source).toBe('fallback');
    expect(workout.fallbackReason).toContain(reason);
    if (usage) expect(workout.tokenUsage).toEqual({ prompt: 412, completion: 236, total: 648 });
    else expect(workout.tokenUsage).toBeNull();
    // The fallback itself meets every check for the day.
    const plan = { ...workout, estimatedTss: null, intervals: workout.intervals.map((i) => ({ durationMin: i.durationMin, targetPctFtp: i.targetPctFtp, hrZone: i.hrZone, cadenceRpm: i.cadenceRpm, cue: i.cue })) };
    expect(checkPlan(plan, { decision: req.decision, athlete: ATHLETE, weeklyRemainingMin: req.weeklyRemainingMin })).toEqual([]);
  });

  it('refuses intensity above the cap of a day whose decision lowered it, and plans within it', async () => {
    answer({ content: JSON.stringify(GOOD) });
    const lowered: Decision = { ...DECISION, state: 'caution', decision: 'modify_intensity', tssBand: { min: 50, max: 90 } };
    const workout = await planWorkout(request({ decision: lowered }), plannerFromEnv(PLANNER, env()));
    expect(workout.source).toBe('fallback');
    expect(workout.fallbackReason).toContain('intervals.1: 92% FTP is above the 90% allowed on a modify_intensity day');
    expect(workout.intervals.every((i) => i.targetPctFtp === null || i.targetPctFtp <= 0.9)).toBe(true);
    expect(workout.tokenUsage).toEqual({ prompt: 412, completion: 236, total: 648 });
  });

  it('respects the weekly hours cap left', async () => {
    answer({ content: JSON.stringify(GOOD) });
    const workout = await planWorkout(request({ weeklyRemainingMin: 60, decision: { ...DECISION, tssBand: { min: 40, max: 100 } } }), plannerFromEnv(PLANNER, env()));
    expect(workout.source).toBe('fallback');
    expect(workout.fallbackReason).toContain('more than the 60 min left under the weekly hours cap');
    expect(workout.durationMin).toBeLessThanOrEqual(60);
  });

  it('without OPENAI_API_KEY, or with planner.useLlm = false, never calls the model', async () => {
    answer({ content: JSON.stringify(GOOD) });
    const noKey = await planWorkout(request(), plannerFromEnv(PLANNER, { OPENAI_BASE_URL: server.baseUrl }));
    expect(noKey.source).toBe('fallback');
    expect(noKey.fallbackReason).toBe('no model configured: OPENAI_API_KEY is not set');
    const off = await planWorkout(request(), plannerFromEnv({ ...PLANNER, useLlm: false }, env()));
    expect(off.fallbackReason).toBe('the mission switches the model off (planner.useLlm = false)');
    expect(server.requests).toHaveLength(0);
  });

  it('does not ask the model on a rest day', async () => {
    answer({ content: JSON.stringify(GOOD) });
    const workout = await planWorkout(request({ decision: { ...DECISION, decision: 'rest', tssBand: { min: 0, max: 0 }, maxDurationMin: 0 } }), plannerFromEnv(PLANNER, env()));
    expect(server.requests).toHaveLength(0);
    expect(workout).toEqual(expect.objectContaining({ title: 'Rest day', durationMin: 0, targetTss: 0, intervals: [] }));
  });

  it('rejects a malformed OPENAI_TIMEOUT_MS naming the variable', () => {
    expect(() => plannerFromEnv(PLANNER, { OPENAI_API_KEY: 'k', OPENAI_TIMEOUT_MS: 'soon' })).toThrow('OPENAI_TIMEOUT_MS="soon" is not valid: expected a positive whole number');
  });
});
