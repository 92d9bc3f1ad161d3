import { QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';
import { userMessage } from '../../../src/cli/cli-support';
import { UserError } from '../../../src/infra/user-error';
import { MissionConfigError } from '../../../src/mission';

describe('what the CLI prints for an error', () => {
  it('a query refused while the mission loads is a plain message, not an unexpected error', () => {
    const err = new QueryNotRegisteredError('the mission is still loading; try again in a moment', 1);
    expect(userMessage(err)).toEqual({ message: 'the mission is still loading; try again in a moment', expected: true });
  });

  it('a mission that is not running says how to start it', () => {
    const r = userMessage(new WorkflowNotFoundError('not found', 'mission-x', undefined));
    expect(r).toMatchObject({ message: 'no such mission workflow: mission-x', expected: true });
    expect(r.hint).toContain('lanterne mission start');
  });

  it('a user error keeps its hint; a bug is reported as unexpected with its stack', () => {
    expect(userMessage(new UserError('bad port', 'use another'))).toEqual({ message: 'bad port', hint: 'use another', expected: true });
    const bug = userMessage(new TypeError('x is undefined'));
    expect(bug.expected).toBe(false);
    expect(bug.message).toContain('TypeError: x is undefined');
  });

  it('a mission file that cannot be used says where to look', () => {
    const missing = userMessage(new MissionConfigError([{ file: 'm.toml', line: null, path: '', message: 'mission file not found: m.toml', code: 'file_not_found' }]));
    expect(missing).toEqual({ message: 'mission file not found: m.toml', hint: expect.stringContaining('missions/tdf_sim_2025.toml'), expected: true });
    const bad = userMessage(new MissionConfigError([{ file: 'm.toml', line: 3, path: 'timezone', message: '"Mars/Olympus" is not a timezone', code: 'bad_timezone' }]));
    expect(bad).toEqual({ message: 'm.toml:3: timezone: "Mars/Olympus" is not a timezone', hint: expect.stringContaining('docs/missions.md'), expected: true });
  });

  it('nothing listening at a server address is a clear line, not a stack', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 5999 });
    expect(userMessage(refused)).toEqual({ message: 'cannot connect to 127.0.0.1:5999 (ECONNREFUSED)', hint: expect.stringContaining('DATABASE_URL'), expected: true });
  });
});
