/**
 * The Planning agent: the day's workout from an OpenAI-compatible model (official `openai` SDK,
 * structured output with a strict JSON schema), validated like any untrusted input, with the
 * deterministic template planner as the fallback for every failure. The prompt carries the
 * minimum: stage facts, the decision and a compact recent context — no names, e-mail addresses,
 * account ids or raw data streams.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { AthleteProfile, Decision, DecisionKind, IsoDate, MissionDay, PlannerOptions, Workout } from '../domain/types';
import { planFromTemplate } from './workout-templates';
import { INTENSITY_CAPS, PLANNED_WORKOUT_JSON_SCHEMA, type ValidationContext, parsePlannedWorkout, validatePlan } from './workout-validation';

/** One past day in the prompt's compact context. */
export interface RecentContextDay {
  date: IsoDate;
  decision: DecisionKind;
  plannedTss: number | null;
  rpe: number | null;
}

export interface PlanRequest {
  day: MissionDay;
  decision: Decision;
  /** Used locally only (watts, heart rates, allowed sports); never sent to the model. */
  athlete: Pick<AthleteProfile, 'ftpW' | 'thresholdHr' | 'maxHr' | 'disciplines'>;
  /** Minutes left under the weekly hours cap; null when unknown. */
  weeklyRemainingMin: number | null;
  recent: RecentContextDay[];
  /** Language of titles, cues and notes (mission planner option). */
  language: string;
  /** Words that must never reach the model (the athlete's handle); scrubbed from free text. */
  redact?: string[];
}

/**
 * Free text written by a mission author (the day's focus) goes to the model only after e-mail
 * addresses, long digit runs (account ids) and the given words are removed, and capped in length.
 */
export function scrubFreeText(text: string, redact: string[] = []): string {
  let out = text.replace(/[^\s@]+@[^\s@]+/g, '[redacted]').replace(/\d{6,}/g, '[redacted]');
  for (const word of redact) {
    if (word.trim().length === 0) continue;
    out = out.replace(new RegExp(word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[redacted]');
  }
  return out.slice(0, 120);
}

/** The model side of the planner: a client and a model name. The API key stays inside the client. */
export interface LlmPlanner {
  client: Pick<OpenAI, 'chat'>;
  model: string;
  timeoutMs: number;
}

export interface PlannerSetup {
  llm: LlmPlanner | null;
  /** Why the model is off, when it is. */
  offReason: string | null;
}

export const DEFAULT_OPENAI_TIMEOUT_MS = 30_000;
export const DEFAULT_OPENAI_MAX_RETRIES = 1;

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, allowZero = false): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new Error(`environment variable ${name}="${raw}" is not valid: expected a ${allowZero ? 'non-negative' : 'positive'} whole number`);
  }
  return n;
}

/**
 * Build the planner's model client from the environment:
 * OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL (default: the mission's planner.model),
 * OPENAI_TIMEOUT_MS (default 30000), OPENAI_MAX_RETRIES (default 1).
 * `planner.useLlm = false` or a missing key switch the model off (the templates plan the day).
 */
export function plannerFromEnv(options: Pick<PlannerOptions, 'useLlm' | 'model'>, env: NodeJS.ProcessEnv = process.env): PlannerSetup {
  if (!options.useLlm) return { llm: null, offReason: 'the mission switches the model off (planner.useLlm = false)' };
  const apiKey = env.OPENAI_API_KEY;
  if (!apiKey) return { llm: null, offReason: 'no model configured: OPENAI_API_KEY is not set' };
  const timeoutMs = positiveInt(env, 'OPENAI_TIMEOUT_MS', DEFAULT_OPENAI_TIMEOUT_MS);
  const maxRetries = positiveInt(env, 'OPENAI_MAX_RETRIES', DEFAULT_OPENAI_MAX_RETRIES, true);
  const client = new OpenAI({ apiKey, baseURL: env.OPENAI_BASE_URL || undefined, timeout: timeoutMs, maxRetries });
  return { llm: { client, model: env.OPENAI_MODEL || options.model, timeoutMs }, offReason: null };
}

/** The data the model sees: stage facts, the decision's limits and a compact recent history. */
export function promptContext(req: PlanRequest): Record<string, unknown> {
  const { day, decision } = req;
  const cap = INTENSITY_CAPS[decision.decision];
  return {
    date: day.date,
    stage: {
      number: day.stage,
      type: day.type,
      distanceKm: day.distanceKm,
      elevationM: day.elevationM,
      importance: day.importance,
      mode: day.training.mode,
      focus: scrubFreeText(day.training.focus, req.redact),
    },
    decision: {
      kind: decision.decision,
      readiness: decision.state,
      maxDurationMin: decision.maxDurationMin,
      tssBand: decision.tssBand,
      maxPctFtp: cap.pctFtp,
      maxHrZone: cap.hrZone,
    },
    weeklyRemainingMin: req.weeklyRemainingMin,
    recentDays: req.recent.slice(-7).map((d) => ({ date: d.date, decision: d.decision, plannedTss: d.plannedTss, rpe: d.rpe })),
  };
}

export function buildPlannerMessages(req: PlanRequest): ChatCompletionMessageParam[] {
  const system = [
    'You are an endurance coach. Plan ONE training session for today as JSON matching the given schema.',
    'Rules:',
    '- durationMin equals the sum of the intervals and is at most decision.maxDurationMin (and weeklyRemainingMin when given).',
    '- Each interval has exactly one target: targetPctFtp as a fraction of FTP (0.65 = 65 %) or hrZone 1-5; the other is null.',
    '- Training stress, computed as the sum of hours x targetPctFtp^2 x 100 over the intervals, must fall inside decision.tssBand.',
    '- No interval above decision.maxPctFtp or decision.maxHrZone.',
    '- The session rehearses the stage type when the decision allows it; on recovery days everything stays easy.',
    `- Write title, cues and notes in this language: ${req.language}.`,
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: JSON.stringify(promptContext(req)) },
  ];
}

function describeError(err: unknown, timeoutMs: number, elapsedMs: number): string {
  // Some runtimes (e.g. a sandboxed realm) hide the abort behind a generic connection error:
  // a connection error after the whole timeout has passed is a timeout too.
  if (err instanceof APIConnectionTimeoutError || (err instanceof APIConnectionError && elapsedMs >= timeoutMs)) {
    return `model call timed out after ${timeoutMs} ms`;
  }
  if (err instanceof APIError && err.status !== undefined) return `model API error ${err.status}: ${String(err.message).slice(0, 200)}`;
  if (err instanceof Error) return `model call failed: ${err.message.slice(0, 200)}`;
  return 'model call failed';
}

/** The day's workout: from the model when it is on and its answer passes every check, else the templates. */
export async function planWorkout(req: PlanRequest, setup: PlannerSetup): Promise<Workout> {
  const ctx: ValidationContext = { decision: req.decision, athlete: req.athlete, weeklyRemainingMin: req.weeklyRemainingMin };
  const fallback = (reason: string, usage: Workout['tokenUsage'] = null): Workout =>
    planFromTemplate({ stageType: req.day.type, decision: req.decision, ctx }, reason, usage);

  if (req.decision.decision === 'rest' || req.decision.maxDurationMin <= 0) {
    return fallback('rest day: nothing to plan, the model was not asked');
  }
  if (!setup.llm) return fallback(setup.offReason ?? 'the model is off');

  const { client, model, timeoutMs } = setup.llm;
  let completion: OpenAI.Chat.Completions.ChatCompletion;
  const started = Date.now();
  try {
    completion = await client.chat.completions.create({
      model,
      messages: buildPlannerMessages(req),
      response_format: { type: 'json_schema', json_schema: PLANNED_WORKOUT_JSON_SCHEMA as unknown as OpenAI.ResponseFormatJSONSchema['json_schema'] },
    });
  } catch (err) {
    return fallback(describeError(err, timeoutMs, Date.now() - started));
  }
  const usage = completion.usage
    ? { prompt: completion.usage.prompt_tokens, completion: completion.usage.completion_tokens, total: completion.usage.total_tokens }
    : null;
  const message = completion.choices[0]?.message;
  if (!message) return fallback('model answer had no choices', usage);
  if (message.refusal) return fallback(`model refused: ${message.refusal.slice(0, 200)}`, usage);
  if (!message.content) return fallback(`model answer was empty (finish reason ${completion.choices[0]?.finish_reason ?? 'unknown'})`, usage);

  const parsed = parsePlannedWorkout(message.content);
  if (!parsed.ok) return fallback(`model answer rejected: ${parsed.problems.join('; ')}`, usage);
  const checked = validatePlan(parsed.plan, ctx, { source: 'llm', fallbackReason: null, tokenUsage: usage });
  if (!checked.ok) return fallback(`model workout rejected: ${checked.problems.join('; ')}`, usage);
  return checked.workout;
}
