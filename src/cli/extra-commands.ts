import type { Command } from 'commander';
import { registerObserveCommand } from './commands/observe';
import { registerCoachCommand } from './commands/coach';
import { registerConnectCommand } from './commands/connect';
import { registerSimulateCommand } from './commands/simulate-command';
import { registerExportCommand } from './commands/export';
import { registerWebhooksCommand } from './commands/webhooks';
import { registerKeysCommand } from './commands/keys';
import { registerEvaluateCommand } from './commands/evaluate';
import { registerAthleteCommand } from './commands/athlete';
import { registerTokenCommand } from './commands/token';
import { registerCodecServerCommand } from './commands/codec-server';
import { registerPelotonCommand } from './commands/peloton';

/** observe, coach, connect, simulate, export, evaluate, webhooks, keys, athlete, token, codec-server and peloton. */
export function registerExtraCommands(program: Command): void {
  registerObserveCommand(program);
  registerCoachCommand(program);
  registerConnectCommand(program);
  registerSimulateCommand(program);
  registerExportCommand(program);
  registerEvaluateCommand(program);
  registerWebhooksCommand(program);
  registerKeysCommand(program);
  registerAthleteCommand(program);
  registerTokenCommand(program);
  registerCodecServerCommand(program);
  registerPelotonCommand(program);
}
