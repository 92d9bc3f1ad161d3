import { QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';
import { userMessage } from '../../../src/cli/cli-support';
import { UserError } from '../../../src/infra/user-error';

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
});
