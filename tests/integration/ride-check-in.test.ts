/**
 * A ride reported by Strava's webhook (the mission's `recordRide` activity, run here as the worker
 * runs it, against a local server in Strava's documented shape, real PostgreSQL and a real SMTP
 * sink): the ride is recorded with its load, and the athlete is asked how it went, next to the
 * day's plan — once per ride, however often the event or the activity runs; never inside quiet
 * hours; not for an edit of the ride.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startFakeStravaServer, summaryActivity, type FakeStravaServer } from '../support/fake-strava-server';
import { openWorkerResources, type WorkerResources } from '../../src/worker/activity-deps';
import { createActivities } from '../../src/activities';
import { missionInput } from '../../src/client/missions';
import { loadMissionFile } from '../../src/mission';
import { zonedInstant } from '../../src/domain/schedule';
import type { DataReadyInput } from '../../src/shared/mission-api';
import type { MissionConfig, Workout } from '../../src/domain/types';

describe('a Strava ride reported by webhook', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let strava: FakeStravaServer;
  let resources: WorkerResources;
  let out: string;
  let mission: MissionConfig;
  const ACCESS = 'strava-access-for-rides';

  beforeAll(async () => {
    [db, smtp, strava] = await Promise.all([createTestDatabase('lanterne_rides'), startSmtpSink(), startFakeStravaServer()]);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-rides-'));
    resources = await openWorkerResources({
      databaseUrl: db.url,
      outputDir: out,
      env: {
        LANTERNE_SECRET_KEY: randomBytes(32).toString('hex'),
        STRAVA_CLIENT_ID: strava.clientId,
        STRAVA_CLIENT_SECRET: strava.clientSecret,
        STRAVA_BASE_URL: strava.url,
        STRAVA_TOKEN_URL: strava.tokenUrl,
        SMTP_HOST: smtp.host,
        SMTP_PORT: String(smtp.port),
        SMTP_SECURE: 'false',
        SMTP_FROM: 'coach@lanterne.test',
        NOTIFY_EMAIL_TO: 'rider@lanterne.test',
      },
    });
    strava.validAccessTokens.add(ACCESS);
    await resources.deps.tokens.save('rider', 'strava', { accessToken: ACCESS, refreshToken: 'r1', expiresAt: new Date(Date.now() + 6 * 3600_000).toISOString(), scope: 'activity:read_all' });
    const file = await loadMissionFile(path.resolve(__dirname, '../../missions/tdf_sim_2025.toml'));
    const registered = await createActivities(resources.deps).registerMission({ ...missionInput(file), nowMs: Date.parse('2025-07-01T12:00:00Z') });
    mission = registered.mission;
  }, 120_000);

  afterAll(async () => {
    await resources?.close();
    await Promise.all([db?.drop(), smtp?.close(), strava?.close()]);
    fs.rmSync(out, { recursive: true, force: true });
  });

  const scope = { missionId: 'tdf_sim_2025', athlete: 'rider' };
  const event = (aspect: 'create' | 'update', activityId: string, eventId: string): Extract<DataReadyInput, { provider: 'strava' }> => ({
    provider: 'strava',
    aspect,
    activityId,
    eventTime: '2025-07-05T16:00:00Z',
    eventId,
  });
  const afternoon = (date: string) => ({ nowMs: zonedInstant(date, '17:30', 'Europe/Paris') });

  it('records the ride and asks once how it went, with what was planned next to what was ridden', async () => {
    const acts = createActivities(resources.deps);
    const day = mission.days[0]!.date;
    const plan: Workout = { title: 'Threshold 2×20', sport: 'cycling', durationMin: 75, targetTss: 85, intervals: [], notes: '', source: 'fallback', fallbackReason: null, tokenUsage: null };
    await resources.deps.memory.days.recordPlan(scope, day, plan);
    strava.activities.push(summaryActivity(9001, `${day}T16:05:00`, { name: 'Evening spin', moving_time: 3720 }));

    expect(await acts.recordRide(scope, event('create', '9001', 'e1'), afternoon(day))).toEqual({ asked: true });
    // Redelivered, or the activity retried: the ride is updated, the e-mail is not sent again.
    expect(await acts.recordRide(scope, event('create', '9001', 'e1'), afternoon(day))).toEqual({ asked: true });
    expect(await acts.recordRide(scope, event('update', '9001', 'e2'), afternoon(day))).toEqual({ asked: false });

    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.subject).toBe(`How did "Evening spin" go? (${day})`);
    expect(mail.text).toContain(`You rode Evening spin on ${day}: 62 min,`);
    expect(mail.text).toContain('Planned: Threshold 2×20: 75 min, 85 TSS');
    expect(mail.text).toContain(`lanterne reflect tdf_sim_2025 --date ${day}`);

    const rides = await resources.deps.memory.rides.range('rider', day, day);
    expect(rides).toEqual([expect.objectContaining({ externalId: '9001', name: 'Evening spin', movingTimeS: 3720, tssMethod: 'power' })]);
    const outbox = await db.pool.query(`select message_key, status from notifications where day = $1 order by message_key`, [day]);
    expect(outbox.rows).toEqual([{ message_key: 'ride:9001', status: 'sent' }]);
  });

  it('does not ask inside quiet hours (decided on the clock it is given)', async () => {
    const quiet = { ...mission, id: 'tdf_quiet', notifications: { ...mission.notifications, quietHours: { start: '22:00', end: '06:00' } } };
    const acts = createActivities(resources.deps);
    await acts.registerMission({ ...missionInput(quiet), nowMs: Date.parse('2025-07-01T12:00:00Z') });
    const day = quiet.days[1]!.date;
    strava.activities.push(summaryActivity(9002, `${day}T21:15:00`, { name: 'Late laps' }));
    const before = smtp.messages.length;
    const lateEvening = { nowMs: zonedInstant(day, '23:10', 'Europe/Paris') };
    expect(await acts.recordRide({ missionId: 'tdf_quiet', athlete: 'rider' }, event('create', '9002', 'e3'), lateEvening)).toEqual({ asked: false });
    expect(smtp.messages).toHaveLength(before);
    expect(await resources.deps.memory.rides.range('rider', day, day)).toEqual([expect.objectContaining({ externalId: '9002' })]);
  });
});
