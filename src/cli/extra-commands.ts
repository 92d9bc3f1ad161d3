import type { Command } from 'commander';

/** observe, coach, connect, simulate and export. */
export function registerExtraCommands(program: Command): void {
  void program;
}
