/**
 * Commander's own refusals — unknown command or option, missing argument or option, too many
 * arguments — as the CLI's one-line errors (`lanterne: …` and a `→` hint, exit 1): every command
 * exits through `exitOverride` with a UserError built from the error's code and the command's
 * declaration, commander prints nothing itself, no help is dumped, and an unknown command or option
 * gets the closest one suggested. `--help` and `--version` still print and exit 0.
 */
import { CommanderError, type Command } from 'commander';
import { UserError } from '../infra/user-error';
import { closestMatch } from '../mission/closest-match';

/** `lanterne mission status`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The command as the user typed it after `lanterne` (`mission status`), or `lanterne` itself. */
function shortName(cmd: Command): string {
  return cmd.parent ? commandPath(cmd).split(' ').slice(1).join(' ') : cmd.name();
}

const helpOf = (cmd: Command) => `\`${commandPath(cmd)} --help\``;
const usageOf = (cmd: Command) => `usage: ${commandPath(cmd)} ${cmd.usage()} (more in ${helpOf(cmd)})`;

/** True for the ends of a run that are not errors: help or version printed. */
export function isCleanExit(err: unknown): boolean {
  return err instanceof CommanderError && err.exitCode === 0;
}

export function unknownCommand(cmd: Command, name: string): UserError {
  const near = closestMatch(name, cmd.commands.map((c) => c.name()));
  const what = cmd.parent ? `${shortName(cmd)} ${name}` : name;
  return new UserError(
    `unknown command ${JSON.stringify(what)}`,
    near ? `did you mean \`${commandPath(cmd)} ${near}\`? (${helpOf(cmd)} lists the commands)` : `${helpOf(cmd)} lists the commands`,
  );
}

function needsCommand(cmd: Command): UserError {
  const names = cmd.commands.map((c) => c.name()).join(', ');
  return new UserError(cmd.parent ? `${shortName(cmd)} needs a command` : 'name a command', `one of: ${names} (${helpOf(cmd)} describes them)`);
}

function unknownOption(cmd: Command, fallback: string): UserError {
  // The unknown option is the first word commander could not place (operands come before it).
  const flag = cmd.args.find((a) => a.startsWith('-'));
  if (!flag) return new UserError(fallback, `${helpOf(cmd)} lists the options`);
  const name = flag.split('=')[0]!;
  const longs = cmd.options.map((o) => o.long).filter((l): l is string => Boolean(l));
  const near = name.startsWith('--') ? closestMatch(name, longs) : null;
  return new UserError(
    `${shortName(cmd)} has no option ${name}`,
    near ? `did you mean ${near}? (${helpOf(cmd)} lists the options)` : `${helpOf(cmd)} lists the options`,
  );
}

function missingOptions(cmd: Command): UserError {
  const missing = cmd.options.filter((o) => o.mandatory && cmd.getOptionValue(o.attributeName()) === undefined).map((o) => o.flags);
  return new UserError(`${shortName(cmd)} needs ${missing.join(', ')}`, `${helpOf(cmd)} describes each option`);
}

function missingArguments(cmd: Command): UserError {
  const missing = cmd.registeredArguments.filter((a, i) => a.required && cmd.args[i] === undefined).map((a) => `<${a.name()}>`);
  return new UserError(`${shortName(cmd)} needs ${missing.join(' ')}`, usageOf(cmd));
}

function excessArguments(cmd: Command): UserError {
  const expected = cmd.registeredArguments.length;
  const extra = cmd.args.slice(expected).map((a) => JSON.stringify(a));
  return new UserError(`${shortName(cmd)} takes ${expected === 0 ? 'no arguments' : `${expected} argument${expected === 1 ? '' : 's'}`}; not expected: ${extra.join(' ')}`, usageOf(cmd));
}

/** The one-line error for a refusal of commander's, raised on `cmd`. */
export function usageError(cmd: Command, err: CommanderError): UserError {
  const fallback = err.message.split('\n')[0]!.replace(/^error: /, '');
  switch (err.code) {
    case 'commander.unknownCommand':
      return unknownCommand(cmd, cmd.args[0] ?? '');
    case 'commander.help': // a command with subcommands, given none
      return needsCommand(cmd);
    case 'commander.unknownOption':
      return unknownOption(cmd, fallback);
    case 'commander.missingMandatoryOptionValue':
      return missingOptions(cmd);
    case 'commander.missingArgument':
      return missingArguments(cmd);
    case 'commander.excessArguments':
      return excessArguments(cmd);
    default: // optionMissingArgument, invalidArgument (an untyped parser), conflictingOption
      return new UserError(fallback, `${helpOf(cmd)} describes each option`);
  }
}

/**
 * Makes every command of `program` (call it once all commands are registered) refuse mistakes
 * with a UserError instead of commander's printed error and exit: the caller's single error path
 * prints it. An unknown command followed by `--help` is refused too, instead of printing the
 * parent's help.
 */
export function refuseUsageMistakes(program: Command): void {
  const visit = (cmd: Command) => {
    cmd.showSuggestionAfterError(false);
    cmd.showHelpAfterError(false);
    cmd.configureOutput({ outputError: () => undefined });
    cmd.exitOverride((err) => {
      if (err.exitCode === 0) throw err; // --help, --version
      throw usageError(cmd, err);
    });
    if (cmd.commands.length > 0) {
      cmd.on('beforeHelp', (context: { error: boolean }) => {
        const words = cmd.args.filter((a) => !a.startsWith('-'));
        const named = words[0] === 'help' ? words[1] : words[0];
        if (named !== undefined && !cmd.commands.some((c) => c.name() === named || c.aliases().includes(named))) throw unknownCommand(cmd, named);
        if (context.error) throw needsCommand(cmd);
      });
    }
    cmd.commands.forEach(visit);
  };
  visit(program);
}
