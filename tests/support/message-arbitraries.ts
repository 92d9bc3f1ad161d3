/**
 * fast-check arbitraries for what the athlete sends a mission: valid reflections and overrides,
 * the same with one field replaced by any JSON value, with a field their kind does not take, and
 * objects with the right field names holding anything. Shared by the unit properties
 * (tests/unit/workflows/message-validation.test.ts) and longer fuzz runs.
 */
import fc from 'fast-check';
import { CHANNELS, COMPLETION } from '../../src/domain/types';
import { OVERRIDE_FIELDS } from '../../src/shared/message-validation';

export const REFLECTION_FIELDS = ['date', 'rpe', 'legs', 'mood', 'sleepQuality', 'completed', 'note'] as const;
/** Every field an override can have, of any kind. */
export const OVERRIDE_FIELD_NAMES = ['kind', ...new Set(Object.values(OVERRIDE_FIELDS).flat())];

const isoDate = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const clockTime = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const text = fc.string({ maxLength: 1000, unit: 'grapheme' }).filter((s) => s.length <= 1000);

export const validReflection: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    date: isoDate,
    rpe: fc.integer({ min: 1, max: 10 }),
    legs: fc.integer({ min: 1, max: 5 }),
    mood: fc.integer({ min: 1, max: 5 }),
    sleepQuality: fc.integer({ min: 1, max: 5 }),
    completed: fc.constantFrom(...COMPLETION),
    note: text,
  },
  { requiredKeys: ['date', 'rpe', 'legs', 'mood', 'sleepQuality', 'completed'] },
);

export const validOverride: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ kind: fc.constant('rest-day'), date: isoDate, reason: text }, { requiredKeys: ['kind', 'date'] }),
  fc.tuple(isoDate, isoDate).filter(([a, b]) => a !== b).map(([date, otherDate]) => ({ kind: 'swap-days', date, otherDate })),
  fc.record({ kind: fc.constant('set-ftp'), ftpW: fc.integer({ min: 50, max: 600 }) }),
  fc.record({ kind: fc.constant('pause'), reason: text }, { requiredKeys: ['kind'] }),
  fc.constant({ kind: 'resume' }),
  fc.record({ kind: fc.constant('shift'), days: fc.integer({ min: -60, max: 60 }).filter((d) => d !== 0) }),
  fc.record({ kind: fc.constant('set-run-time'), runTime: clockTime }),
  fc.record({ kind: fc.constant('set-channels'), channels: fc.uniqueArray(fc.constantFrom(...CHANNELS), { minLength: 1 }) }),
);

/** A valid message with one of its fields (or one of `extraFields`) set to any JSON value, or removed. */
function withOneField(valid: fc.Arbitrary<Record<string, unknown>>, fieldsOf: (m: Record<string, unknown>) => readonly string[]) {
  return fc.tuple(valid, fc.nat(), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined })).map(([message, pick, value]) => {
    const fields = fieldsOf(message);
    const field = fields[pick % fields.length];
    const changed: Record<string, unknown> = { ...message };
    if (value === undefined) delete changed[field];
    else changed[field] = value;
    return { message: changed, field };
  });
}

export const reflectionWithOneField = withOneField(validReflection, () => REFLECTION_FIELDS);

/** An override with one of its own fields changed (its `kind` included). */
export const overrideWithOneField = withOneField(validOverride, (o) => ['kind', ...OVERRIDE_FIELDS[o.kind as keyof typeof OVERRIDE_FIELDS]]);

/** A valid override plus a field its kind does not take. */
export const overrideWithForeignField = fc
  .tuple(validOverride, fc.oneof(fc.constantFrom(...OVERRIDE_FIELD_NAMES, '__proto__', 'constructor'), fc.string({ minLength: 1, maxLength: 20 })), fc.jsonValue())
  .filter(([o, field]) => field !== 'kind' && !OVERRIDE_FIELDS[o.kind as keyof typeof OVERRIDE_FIELDS].includes(field))
  .map(([o, field, value]) => ({ message: { ...o, [field]: value }, field }));

/** Objects with the field names of a message, each holding any JSON value (or left out). */
const likeMessage = (fields: readonly string[]) =>
  fc.record(Object.fromEntries(fields.map((f) => [f, fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string(), fc.integer())])) as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] });

export const reflectionLike = likeMessage(REFLECTION_FIELDS);
export const overrideLike = fc.tuple(likeMessage(OVERRIDE_FIELD_NAMES), fc.constantFrom(...Object.keys(OVERRIDE_FIELDS), 'nap')).map(([o, kind]) => ({ ...o, kind: o.kind ?? kind }));
