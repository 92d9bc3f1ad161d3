import { Command } from 'commander';
import { refuseUsageMistakes, isCleanExit } from '../../../src/cli/usage-errors';
import { isoDate, typedArgument, typedOption, valueTypeOf, wholeNumber, oneOf, isoDateOr, clockTime, type ValueType } from '../../../src/cli/commands/arguments';

/** A small program shaped like the CLI's: a group with subcommands, typed options and arguments. */
function program(): { root: Command; ran: unknown[] } {
  const ran: unknown[] = [];
  const root = new Command('lanterne').configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const mission = root.command('mission');
  mission
    .command('status')
    .addArgument(typedArgument('<missionId>', 'id', oneOf(['tdf', 'base'])))
    .addOption(typedOption('--upcoming <n>', 'days', wholeNumber({ min: 1 })))
    .action((id: string, o: unknown) => void ran.push([id, o]));
  mission.command('start <file>').action(() => undefined);
  root
    .command('reflect')
    .addOption(typedOption('--date <date>', 'day', isoDate).makeOptionMandatory())
    .addOption(typedOption('--rpe <1-10>', 'rpe', wholeNumber()).makeOptionMandatory())
    .action((o: unknown) => void ran.push(o));
  refuseUsageMistakes(root);
  return { root, ran };
}

async function refusal(args: string[]): Promise<{ message: string; hint?: string }> {
  const { root } = program();
  try {
    await root.parseAsync(args, { from: 'user' });
  } catch (err) {
    const e = err as Error & { hint?: string };
    expect(e.name).toBe('UserError');
    return { message: e.message, hint: e.hint };
  }
  throw new Error(`lanterne ${args.join(' ')} was accepted`);
}

describe('commander’s refusals as one-line errors', () => {
  it.each([
    [['missoin'], 'unknown command "missoin"', 'did you mean `lanterne mission`? (`lanterne --help` lists the commands)'],
    [['missoin', '--help'], 'unknown command "missoin"', 'did you mean `lanterne mission`? (`lanterne --help` lists the commands)'],
    [['mission', 'stat', 'tdf'], 'unknown command "mission stat"', 'did you mean `lanterne mission start`? (`lanterne mission --help` lists the commands)'],
    [['zzz'], 'unknown command "zzz"', '`lanterne --help` lists the commands'],
    [['mission'], 'mission needs a command', 'one of: status, start (`lanterne mission --help` describes them)'],
    [[], 'name a command', 'one of: mission, reflect (`lanterne --help` describes them)'],
    [['mission', 'status'], 'mission status needs <missionId>', 'usage: lanterne mission status [options] <missionId> (more in `lanterne mission status --help`)'],
    [['mission', 'status', 'tdf', 'extra'], 'mission status takes 1 argument; not expected: "extra"', 'usage: lanterne mission status [options] <missionId> (more in `lanterne mission status --help`)'],
    [['mission', 'status', 'tdf', '--upcomming', '3'], 'mission status has no option --upcomming', 'did you mean --upcoming? (`lanterne mission status --help` lists the options)'],
    [['mission', 'status', 'tdf', '--upcoming'], "option '--upcoming <n>' argument missing", '`lanterne mission status --help` describes each option'],
    [['reflect', '--rpe', '5'], 'reflect needs --date <date>', '`lanterne reflect --help` describes each option'],
    [['mission', 'status', 'tdf', '--upcoming', '0'], '--upcoming 0 is not a whole number ≥ 1', '--upcoming <n> takes a whole number ≥ 1'],
    [['mission', 'status', 'giro'], 'missionId giro is not accepted', '<missionId> takes one of: tdf, base'],
    [['reflect', '--date', '2025-02-30', '--rpe', '5'], '--date 2025-02-30 is not a calendar date', '--date <date> takes a real date written YYYY-MM-DD, e.g. 2025-07-05'],
  ])('lanterne %j', async (args, message, hint) => {
    await expect(refusal(args)).resolves.toEqual({ message, hint });
  });

  it('runs a correct command, and lets --help end cleanly', async () => {
    const { root, ran } = program();
    await root.parseAsync(['mission', 'status', 'tdf', '--upcoming', '3'], { from: 'user' });
    expect(ran).toEqual([['tdf', { upcoming: 3 }]]);
    const help = program().root.parseAsync(['mission', 'status', '--help'], { from: 'user' });
    await expect(help.catch((e: unknown) => isCleanExit(e))).resolves.toBe(true);
  });
});

describe('value types', () => {
  it('read words, or say why not', () => {
    expect(isoDate.read('2024-02-29')).toEqual({ ok: true, value: '2024-02-29' });
    expect(isoDate.read('2025-02-29')).toEqual({ ok: false, why: 'is not a calendar date' });
    expect(isoDate.read('29/02/2024')).toEqual({ ok: false, why: 'is not a date' });
    expect(isoDateOr('today').read('today')).toEqual({ ok: true, value: 'today' });
    expect(wholeNumber().read('-3')).toEqual({ ok: true, value: -3 });
    expect(wholeNumber().read('2.5').ok).toBe(false);
    expect(wholeNumber().read('1e3').ok).toBe(false);
    expect(wholeNumber().read('').ok).toBe(false);
    expect(wholeNumber({ min: 1, max: 5 }).read('6')).toEqual({ ok: false, why: 'is not a whole number from 1 to 5' });
    expect(clockTime.read('06:30').ok).toBe(true);
    expect(clockTime.read('6:30').ok).toBe(false);
  });

  it('each carries a sample it accepts and one it refuses, found on the option that uses it', () => {
    const types: ValueType<unknown>[] = [isoDate, isoDateOr('summary'), wholeNumber({ min: 1 }), clockTime, oneOf(['md', 'html'])];
    for (const type of types) {
      expect(type.read(type.sample).ok).toBe(true);
      expect(type.read(type.badSample).ok).toBe(false);
      expect(valueTypeOf(typedOption('--x <v>', 'x', type))).toBe(type);
    }
    expect(valueTypeOf(new Command().createOption('--plain <v>'))).toBeUndefined();
  });
});
