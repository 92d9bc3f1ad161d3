/**
 * Every command of the CLI, found by walking `buildProgram().commands` (so commands added later are
 * covered without editing this file), given the mistakes a user makes: an unknown option, a missing
 * required argument or option, a surplus argument, and a bad value for every typed option and
 * argument (its type's bad sample). Each run is the built CLI as a child process against servers
 * that are not there (closed ports): a server call would print a connection error instead of the
 * validation message. Each must print exactly one `lanterne: …` line and one `→` hint, nothing on
 * stdout, no stack trace, and exit 1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Argument, Command, Option } from 'commander';
import { buildProgram } from '../../../src/cli/main';
import { valueTypeOf } from '../../../src/cli/commands/arguments';
import { freePort } from '../../../src/infra/ports';
import { buildOnce, cleanEnv, runCli, type CliResult } from './run-cli';

interface Case {
  name: string;
  args: string[];
  /** What the one line must say. */
  says: string | RegExp;
}

const UNKNOWN = '--no-such-option-here';
const SURPLUS = 'surplus-word';

function commandsOf(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(commandsOf)];
}

function pathOf(cmd: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names;
}

const sampleOf = (target: Option | Argument) => valueTypeOf(target)?.sample ?? 'x';

/** The mandatory options of a command with good values, leaving out `except`. */
function mandatory(cmd: Command, except?: Option): string[] {
  return cmd.options.filter((o) => o.mandatory && o !== except).flatMap((o) => [o.long!, sampleOf(o)]);
}

function casesFor(cmd: Command): Case[] {
  const at = pathOf(cmd);
  const label = at.join(' ') || '(no command)';
  const cases: Case[] = [{ name: `${label}: unknown option`, args: [...at, ...mandatory(cmd), UNKNOWN], says: `has no option ${UNKNOWN}` }];
  const required = cmd.registeredArguments.filter((a) => a.required);
  if (cmd.commands.length > 0) {
    cases.push({ name: `${label}: no subcommand`, args: at, says: at.length ? `${at.join(' ')} needs a command` : 'name a command' });
    return cases;
  }
  if (cmd.options.some((o) => o.mandatory)) cases.push({ name: `${label}: no required option`, args: at, says: /needs --/ });
  else if (required.length > 0) cases.push({ name: `${label}: no required argument`, args: at, says: `needs <${required[0]!.name()}>` });
  const goodArgs = cmd.registeredArguments.map(sampleOf);
  if (!cmd.registeredArguments.some((a) => a.variadic)) {
    cases.push({ name: `${label}: surplus argument`, args: [...at, ...mandatory(cmd), ...goodArgs, SURPLUS], says: `not expected: "${SURPLUS}"` });
  }
  for (const option of cmd.options) {
    const type = valueTypeOf(option);
    if (type) cases.push({ name: `${label}: ${option.long} ${type.badSample}`, args: [...at, ...mandatory(cmd, option), option.long!, type.badSample], says: `${option.long} ${type.badSample} ` });
  }
  cmd.registeredArguments.forEach((argument, i) => {
    const type = valueTypeOf(argument);
    if (!type) return;
    const args = goodArgs.map((good, j) => (j === i ? type.badSample : good));
    cases.push({ name: `${label}: <${argument.name()}> ${type.badSample}`, args: [...at, ...mandatory(cmd), ...args], says: `${argument.name()} ${type.badSample} ` });
  });
  return cases;
}

const program = buildProgram();
const commands = commandsOf(program);
const cases = commands.flatMap(casesFor);

const results = new Map<string, CliResult>();
let closedPort: number;
let stateDir: string;

/** The CLI's environment: no server answers anywhere, no `lanterne up` to find. */
const noServers = () =>
  cleanEnv({ TEMPORAL_ADDRESS: `127.0.0.1:${closedPort}`, DATABASE_URL: `postgres://lanterne@127.0.0.1:${closedPort}/lanterne`, LANTERNE_STATE_DIR: stateDir });

beforeAll(async () => {
  buildOnce();
  closedPort = await freePort();
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-every-command-'));
  // Two at a time: each run is a Node process starting the CLI.
  const queue = [...cases];
  const runNext = async (): Promise<void> => {
    const c = queue.shift();
    if (!c) return;
    results.set(c.name, await runCli(c.args, noServers()));
    return runNext();
  };
  await Promise.all([runNext(), runNext()]);
}, 600_000);

afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

/** One line `lanterne: …` saying `says`, one `→` hint, nothing else, exit 1. */
function expectOneLineRefusal(r: CliResult, says: string | RegExp): void {
  const lines = r.stderr.split('\n').filter(Boolean);
  expect({ code: r.code, stdout: r.stdout, lines: lines.length }).toEqual({ code: 1, stdout: '', lines: 2 });
  expect(lines[0]).toMatch(/^lanterne: /);
  expect(lines[0]).not.toContain('unexpected error');
  expect(lines[1]).toMatch(/^ {2}→ \S/);
  if (typeof says === 'string') expect(lines[0]).toContain(says);
  else expect(lines[0]).toMatch(says);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('every command refuses a mistake with one line and a hint, before any server call', () => {
  it('walks the whole program: every command and every typed option', () => {
    const paths = commands.map((c) => pathOf(c).join(' '));
    expect(paths).toEqual(expect.arrayContaining(['mission start', 'mission status', 'override', 'reflect', 'report', 'export', 'simulate', 'connect', 'athlete add', 'athlete list', 'athlete show', 'token add', 'token revoke', 'codec-server']));
    const typedCases = cases.filter((c) => / (--[\w-]+|<\w+>) \S+$/.test(c.name));
    expect(typedCases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectOneLineRefusal(results.get(c.name)!, c.says);
  });
});

describe('the mistakes named in issue 10', () => {
  const ftp = ['--date', '2025-07-06', '--rpe', '6', '--mood', '3', '--sleep', '4', '--completed', 'yes'];
  const table: [string[], string | RegExp, RegExp?][] = [
    [['override', 'tdf_sim_2025', 'set-ftp', '--ftp', '250.5'], '--ftp 250.5 is not a whole number', /--ftp <watts> takes a whole number/],
    [['override', 'tdf_sim_2025', 'shift', '--days', 'abc'], '--days abc is not a whole number'],
    [['reflect', 'tdf_sim_2025', ...ftp, '--legs', 'banana'], '--legs banana is not a whole number', /--legs <1-5> takes a whole number/],
    [['mission', 'status', 'tdf_sim_2025', '--upcoming', 'abc'], '--upcoming abc is not a whole number ≥ 1'],
    [['mission', 'start', 'missions/tdf_sim_2025.toml', '--start-date', '2025-02-30'], '--start-date 2025-02-30 is not a calendar date', /YYYY-MM-DD, or "today"/],
    [['report', 'tdf_sim_2025', '2025-02-30'], 'date 2025-02-30 is not a calendar date', /or "summary"/],
    [['override', 'tdf_sim_2025', 'rest-day', '--ftp', '250'], '--ftp does not apply to rest-day; rest-day takes --date, --reason', /override <missionId> rest-day --date <date> \[--reason <text>\]/],
    [['override', 'tdf_sim_2025', 'resume', '--reason', 'better'], '--reason does not apply to resume; resume takes no options'],
    [['override', 'tdf_sim_2025', 'swap-days', '--date', '2025-07-06'], 'swap-days needs --other-date <date>'],
    [['override', 'tdf_sim_2025', 'holiday'], 'kind holiday is not accepted', /rest-day, swap-days, set-ftp/],
    // The shared message validators' words, before any server call.
    [['override', 'tdf_sim_2025', 'set-ftp', '--ftp', '5000'], 'set-ftp needs ftpW as whole watts from 50 to 600 (got 5000)'],
    [['override', 'tdf_sim_2025', 'shift', '--days', '0'], 'shift needs days as a whole number from -60 to 60, not 0 (got 0)'],
    [['override', 'tdf_sim_2025', 'set-channels', '--channels', 'email,pigeon'], 'set-channels needs channels from email, sms, twilio (got "pigeon")'],
    [['reflect', 'tdf_sim_2025', ...ftp, '--legs', '9'], 'legs must be a whole number from 1 to 5 (got 9)'],
    // Unknown commands and options: the closest one is suggested, even with --help.
    [['mision'], 'unknown command "mision"', /did you mean `lanterne mission`\?/],
    [['mision', '--help'], 'unknown command "mision"', /did you mean `lanterne mission`\?/],
    [['mission', 'statu', 'tdf_sim_2025'], 'unknown command "mission statu"', /did you mean `lanterne mission status`\?/],
    [['help', 'mision'], 'unknown command "mision"'],
    [['override', 'tdf_sim_2025', 'rest-day', '--dat', '2025-07-06'], 'override has no option --dat', /did you mean --date\?/],
    [['reflect', 'tdf_sim_2025', '--date', '2025-07-06'], 'reflect needs --rpe <1-10>, --legs <1-5>, --mood <1-5>, --sleep <1-5>, --completed <yes|partly|no>'],
    [['mission', 'validate', 'missions/no-such-mission.toml'], 'mission file not found: missions/no-such-mission.toml', /missions\/tdf_sim_2025\.toml/],
  ];
  it.each(table.map(([args, says, hint]) => [args.join(' '), args, says, hint] as const))('lanterne %s', async (_name, args, says, hint) => {
    const r = await runCli([...args], noServers());
    expectOneLineRefusal(r, says);
    if (hint) expect(r.stderr.split('\n')[1]).toMatch(hint);
  });

  it('a correct command does reach the (absent) servers: the refusals above are not connection errors', async () => {
    // `mission status` first finds the mission's workflow in the database (its id includes the athlete's), then asks Temporal.
    const r = await runCli(['mission', 'status', 'tdf_sim_2025', '--upcoming', '3'], noServers());
    expectOneLineRefusal(r, `the database does not answer: connect ECONNREFUSED 127.0.0.1:${closedPort}`);
    const { DATABASE_URL: _none, ...withoutDatabase } = noServers();
    const legacy = await runCli(['mission', 'status', 'tdf_sim_2025', '--upcoming', '3'], withoutDatabase);
    expectOneLineRefusal(legacy, `no Temporal server answers at 127.0.0.1:${closedPort}`);
  });

  it('--help and --version still print and exit 0', async () => {
    for (const args of [['--help'], ['mission', 'status', '--help'], ['help', 'override'], ['--version']]) {
      const r = await runCli(args, noServers());
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(r.stdout).toMatch(args[0] === '--version' ? /^\d+\.\d+\.\d+\n$/ : /^Usage: lanterne /);
    }
  });
});
