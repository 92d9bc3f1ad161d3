import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkDate, checkMissionId, checkProvider, checkRepo, positiveInt } from '../../../src/cli/commands/arguments';
import { progressBar, table } from '../../../src/cli/commands/formatting';
import { simulationEnv, trimMissionFile } from '../../../src/cli/commands/simulate';
import { missingConnectEnv } from '../../../src/cli/commands/connect';
import { loadMissionFile } from '../../../src/mission';

describe('argument checks', () => {
  it('accepts real calendar dates only, naming the option', () => {
    expect(checkDate('2025-07-05', '--date')).toBe('2025-07-05');
    expect(() => checkDate('2025-7-5', '--date')).toThrow('--date 2025-7-5 is not a date');
    expect(() => checkDate('5 July', '--date')).toThrow('--date "5 July" is not a date');
    expect(() => checkDate('2025-02-29', '--from')).toThrow('--from 2025-02-29 is not a calendar date');
    expect(() => checkDate(undefined, '--to')).toThrow('--to is required');
  });
  it('checks counts, mission ids, repositories and providers', () => {
    expect(positiveInt('--days')('3')).toBe(3);
    expect(() => positiveInt('--days')('0')).toThrow('--days 0 is not a whole number ≥ 1');
    expect(() => positiveInt('--days')('2.5')).toThrow('--days');
    expect(positiveInt('--port', 0)('0')).toBe(0);
    expect(checkMissionId('tdf_sim_2025')).toBe('tdf_sim_2025');
    expect(() => checkMissionId('../etc')).toThrow('mission id ../etc is not valid');
    expect(checkRepo('alice/training-log')).toEqual({ owner: 'alice', repo: 'training-log' });
    expect(() => checkRepo('alice')).toThrow('is not a GitHub repository');
    expect(checkProvider('strava')).toBe('strava');
    expect(() => checkProvider('garmin')).toThrow('provider garmin is not accepted');
  });
  it('lists the variables connect needs that are missing', () => {
    expect(missingConnectEnv('oura', { OURA_CLIENT_ID: 'x', DATABASE_URL: 'postgres://' })).toEqual(['OURA_CLIENT_SECRET', 'LANTERNE_SECRET_KEY']);
    expect(missingConnectEnv('strava', { STRAVA_CLIENT_ID: 'a', STRAVA_CLIENT_SECRET: 'b', LANTERNE_SECRET_KEY: 'k', DATABASE_URL: 'd' })).toEqual([]);
  });
});

describe('formatting', () => {
  it('pads columns and right-aligns numbers', () => {
    expect(table(['day', 'decision', 'TSB'], [[1, 'as_planned', -5.1], [10, 'rest', null]]).split('\n')).toEqual([
      'day  decision     TSB',
      '---  ----------  ----',
      '  1  as_planned  -5.1',
      ' 10  rest           -',
    ]);
  });
  it('draws a progress bar', () => {
    expect(progressBar(0, 4, 8)).toBe('[--------] 0/4');
    expect(progressBar(2, 4, 8)).toBe('[####----] 2/4');
    expect(progressBar(4, 4, 8)).toBe('[########] 4/4');
  });
});

describe('simulate helpers', () => {
  it('trims a mission to its first days and keeps it valid', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-trim-'));
    try {
      const file = trimMissionFile('missions/tdf_sim_2025.toml', 13, dir);
      const m = await loadMissionFile(file);
      expect(m.days).toHaveLength(13);
      expect(m.days[12]!.stage).toBe(12);
      expect(m.goals.keyStages).toEqual([12]);
      expect(m.startDate).toBe('2025-07-05');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('removes notifications and the model from the simulation environment', () => {
    const env = simulationEnv({ SMTP_HOST: 'h', NOTIFY_EMAIL_TO: 'a@b.c', USE_TWILIO: 'true', TWILIO_TO: '1', OPENAI_API_KEY: 'k', PATH: '/bin', LANTERNE_DATA_SOURCE: 'wearables' }, false);
    expect(env).toEqual({ PATH: '/bin', LANTERNE_DATA_SOURCE: 'synthetic' });
    expect(simulationEnv({ OPENAI_API_KEY: 'k' }, true).OPENAI_API_KEY).toBe('k');
  });
});
