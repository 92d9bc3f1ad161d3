import { Writable } from 'node:stream';
import { createJsonLogger, eventLogger, REDACTED, SECRET_FIELDS } from '../../../src/infra/json-logger';
import { jsonLinesLogger } from '../../../src/worker/logger';

/** A pino destination that keeps every line it is given. */
function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; raw: () => string } {
  let raw = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw += chunk.toString('utf8');
      done();
    },
  });
  return { stream, raw: () => raw, lines: () => raw.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const CANARY = 'canary-7f3a9c-do-not-log';

/** { field: CANARY } nested `depth` levels deep: depth 1 is the top level. */
function nested(field: string, depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { [field]: CANARY, keep: `kept-${depth}` };
  for (let d = 1; d < depth; d += 1) v = { [`level${d}`]: v };
  return v;
}

describe('the JSON-lines logger (pino)', () => {
  it('never writes a secret-looking field, at any of the first four levels, and keeps the rest', () => {
    const out = capture();
    const log = createJsonLogger({ destination: out.stream });
    for (const field of SECRET_FIELDS) {
      for (const depth of [1, 2, 3, 4]) log.info({ missionId: 'tdf_sim_2025', date: '2025-07-05', ...nested(field, depth) }, `field ${field} at depth ${depth}`);
    }
    log.warn({ headers: { authorization: `Bearer ${CANARY}`, 'x-api-key': CANARY, accept: 'application/json' } }, 'request');
    log.error({ items: [{ refresh_token: CANARY }, { clientSecret: CANARY }] }, 'list');
    expect(out.raw()).not.toContain(CANARY);
    const lines = out.lines();
    expect(lines).toHaveLength(SECRET_FIELDS.length * 4 + 2);
    expect(lines[0]).toMatchObject({ level: 'info', message: 'field token at depth 1', missionId: 'tdf_sim_2025', date: '2025-07-05', token: REDACTED, keep: 'kept-1' });
    expect(typeof lines[0]!.time).toBe('string');
    expect(lines[3]).toMatchObject({ level3: { level2: { level1: { token: REDACTED, keep: 'kept-4' } } } });
    expect(lines.at(-2)).toMatchObject({ level: 'warn', headers: { authorization: REDACTED, 'x-api-key': REDACTED, accept: 'application/json' } });
    expect(lines.at(-1)).toMatchObject({ level: 'error', items: [{ refresh_token: REDACTED }, { clientSecret: REDACTED }] });
  });

  it('writes errors with their type and message', () => {
    const out = capture();
    createJsonLogger({ destination: out.stream }).error({ error: new TypeError('bad input') }, 'failed');
    expect(out.lines()[0]).toMatchObject({ message: 'failed', error: { type: 'TypeError', message: 'bad input' } });
  });

  it('gives components that take log(entry) a sink: the entry level picks the level', () => {
    const out = capture();
    const log = eventLogger('dashboard', createJsonLogger({ destination: out.stream }));
    log({ level: 'warn', event: 'csrf-refused', path: '/missions' });
    log({ event: 'dashboard-listening', url: 'http://127.0.0.1:8787' });
    log({ level: 'error', event: 'request-failed', authorization: CANARY });
    expect(out.raw()).not.toContain(CANARY);
    expect(out.lines()).toEqual([
      expect.objectContaining({ level: 'warn', component: 'dashboard', event: 'csrf-refused', path: '/missions' }),
      expect.objectContaining({ level: 'info', component: 'dashboard', event: 'dashboard-listening' }),
      expect.objectContaining({ level: 'error', component: 'dashboard', event: 'request-failed', authorization: REDACTED }),
    ]);
  });
});

describe('the Temporal Runtime logger', () => {
  it('writes Temporal log entries at its level and above through pino, without the task token', () => {
    const out = capture();
    const logger = jsonLinesLogger('INFO', createJsonLogger({ level: 'warn', destination: out.stream }));
    logger.debug('not shown', { missionId: 'm' });
    logger.info('Activity completed', { missionId: 'm', date: '2025-07-05', taskToken: Buffer.from(CANARY).toString('base64'), sdkComponent: 'activity' });
    logger.error('Activity failed', { error: new Error('boom'), taskToken: CANARY });
    expect(out.raw()).not.toContain(CANARY);
    expect(out.raw()).not.toContain(Buffer.from(CANARY).toString('base64'));
    expect(out.lines()).toEqual([
      expect.objectContaining({ level: 'info', message: 'Activity completed', missionId: 'm', date: '2025-07-05', taskToken: REDACTED, sdkComponent: 'activity' }),
      expect.objectContaining({ level: 'error', message: 'Activity failed', error: expect.objectContaining({ message: 'boom' }), taskToken: REDACTED }),
    ]);
  });
});
