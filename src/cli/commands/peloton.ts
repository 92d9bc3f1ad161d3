/**
 * `lanterne peloton sync`: Peloton's cycling archive into PostgreSQL (`peloton_classes`), the class
 * library the coach matches days against, with each class's instructor and link. Idempotent: a
 * second run leaves the same library; a run that cannot read the whole archive changes nothing.
 * Meant to run weekly from cron (README, Operations); `--max-age 7` makes a daily line cheap.
 */
import type { Command } from 'commander';
import { PelotonArchiveClient, PelotonTokenRefused, syncPelotonLibrary, type SyncReport } from '../../coaching/peloton-archive';
import { isObservationError } from '../../observation';
import { UserError } from '../../infra/user-error';
import { action, output, withMemory } from '../cli-support';
import { typedOption, wholeNumber } from './arguments';

const TOKEN_HINT = 'sign in at members.onepeloton.com, copy the bearer token of a request to api.onepeloton.com (the browser\'s developer tools) into PELOTON_BEARER_TOKEN, and run the command again';

function formatSync(r: SyncReport): string {
  if (r.status === 'fresh') return `Peloton library is fresh: ${r.classes} classes, synced ${r.previous}; nothing to do.`;
  return [
    `Peloton library synced: ${r.classes} cycling classes from ${r.pages} page${r.pages === 1 ? '' : 's'} of the archive${r.total !== null ? ` (the archive counts ${r.total})` : ''}.`,
    `  ${r.added} new, ${r.updated} updated, ${r.removed} gone from the archive and removed${r.skipped ? `, ${r.skipped} entries that are not cycling classes skipped` : ''}.`,
    `  previous sync: ${r.previous ?? 'never'}. Day plans now suggest these classes, with instructor and link.`,
  ].join('\n');
}

export function registerPelotonCommand(program: Command): void {
  const peloton = program.command('peloton').description("Peloton's class library: the real classes the coach suggests (a catalogue shared by every athlete)");
  peloton
    .command('sync')
    .description("read Peloton's whole cycling archive (paged) into PostgreSQL, replacing the library; safe to repeat")
    .addOption(typedOption('--max-age <days>', 'do nothing when the library was synced less than this many days ago (for a daily cron line)', wholeNumber({ min: 0, max: 365 })))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nNeeds PELOTON_BEARER_TOKEN (a member\'s bearer token; Peloton has no public API, see README) and the database\n' +
        '(DATABASE_URL, or the running `lanterne up`). PELOTON_BASE_URL replaces https://api.onepeloton.com.\n' +
        'Weekly from cron, e.g.:  0 4 * * * cd /path/to/lanterne && npx lanterne peloton sync --max-age 7',
    )
    .action(
      action(async (o: { maxAge?: number; json?: boolean }) => {
        const token = process.env.PELOTON_BEARER_TOKEN?.trim();
        if (!token) throw new UserError('PELOTON_BEARER_TOKEN is not set: the archive needs a Peloton member\'s bearer token', TOKEN_HINT);
        const client = new PelotonArchiveClient({ baseUrl: process.env.PELOTON_BASE_URL?.trim() || undefined, bearerToken: token });
        const progress = !o.json && process.stderr.isTTY ? (page: number, count: number | null) => process.stderr.write(`\rreading the archive: page ${page + 1}${count ? ` of ${count}` : ''}`) : undefined;
        const report = await withMemory(async (memory) => {
          try {
            return await syncPelotonLibrary({ client, store: memory.peloton, maxAgeDays: o.maxAge, onPage: progress });
          } catch (err) {
            if (progress) process.stderr.write('\n');
            if (err instanceof PelotonTokenRefused) throw new UserError(`${err.message}; the library was kept`, TOKEN_HINT);
            if (isObservationError(err)) throw new UserError(`${err.message}; the library was kept`, 'run the command again later (it is safe to repeat); PELOTON_BASE_URL names another server');
            throw err;
          }
        });
        if (progress) process.stderr.write('\n');
        output(Boolean(o.json), report, () => formatSync(report));
      }),
    );
}
