import fs from 'node:fs';
import type { Command } from 'commander';
import { stateDir } from '../../infra/project-paths';
import { UserError } from '../../infra/user-error';
import {
  PAYLOAD_KEY_ENV,
  PAYLOAD_KEYS_PREVIOUS_ENV,
  parseSecretKey,
  payloadKeyFilePath,
  previousKeysFromEnv,
  readPayloadKeyFile,
  rotatePayloadKeyFile,
} from '../../secrets';
import { action, output } from '../cli-support';
import { table } from './formatting';

/** One payload key as `keys list` shows it: its id (a fingerprint), never the key. */
export interface ListedKey {
  id: string;
  /** Whether it encrypts new payloads (one key does) or only decrypts older ones. */
  role: 'encrypts' | 'decrypts';
  source: string;
  created: string | null;
}

/** The payload keys in the order the codec uses them: LANTERNE_PAYLOAD_KEY, LANTERNE_PAYLOAD_KEYS_PREVIOUS, the key file. */
export function listPayloadKeys(env: NodeJS.ProcessEnv, state: string): ListedKey[] {
  const listed: Omit<ListedKey, 'role'>[] = [];
  if (env[PAYLOAD_KEY_ENV]) listed.push({ id: parseSecretKey(env[PAYLOAD_KEY_ENV], PAYLOAD_KEY_ENV).id, source: PAYLOAD_KEY_ENV, created: null });
  const file = payloadKeyFilePath(state);
  const fromFile = fs.existsSync(file) ? readPayloadKeyFile(file).stored.map((k) => ({ id: k.id, source: file, created: k.created })) : [];
  const previous = previousKeysFromEnv(env).map((k) => ({ id: k.id, source: PAYLOAD_KEYS_PREVIOUS_ENV, created: null }));
  // Same order as openPayloadKeys: the environment's key, else the file's newest, encrypts.
  const ordered = env[PAYLOAD_KEY_ENV] ? [...listed, ...previous, ...fromFile] : [...fromFile, ...previous];
  const seen = new Set<string>();
  return ordered
    .filter((k) => !seen.has(k.id) && Boolean(seen.add(k.id)))
    .map((k, i) => ({ ...k, role: i === 0 ? 'encrypts' : 'decrypts' }));
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('the payload keys that encrypt Temporal payloads (ids only; keys are never printed)');

  keys
    .command('list')
    .description('the payload keys: which one encrypts, which only decrypt, where each comes from')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { json?: boolean }) => {
        const listed = listPayloadKeys(process.env, stateDir());
        if (listed.length === 0) {
          throw new UserError(`no payload key yet (no ${PAYLOAD_KEY_ENV}, no ${payloadKeyFilePath(stateDir())})`, '`lanterne up` or `lanterne worker` makes one on first run; `lanterne keys rotate` makes one now');
        }
        output(Boolean(o.json), listed, () => table(['id', 'role', 'created', 'source'], listed.map((k) => [k.id, k.role, k.created ?? '—', k.source])));
      }),
    );

  keys
    .command('rotate')
    .description('make a new payload key in the key file: it encrypts from now on, older keys still decrypt')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { json?: boolean }) => {
        if (process.env[PAYLOAD_KEY_ENV]) {
          throw new UserError(
            `${PAYLOAD_KEY_ENV} is set, and it wins over the key file: rotating the file would change nothing`,
            `to rotate, add the current value to ${PAYLOAD_KEYS_PREVIOUS_ENV} (comma-separated) and set a new ${PAYLOAD_KEY_ENV}, for the worker and every client`,
          );
        }
        const { file, added, created } = rotatePayloadKeyFile(stateDir());
        output(Boolean(o.json), { file, id: added.id, created: added.created, firstKey: created }, () =>
          [
            created ? `Created the payload key file ${file} with key ${added.id}.` : `Added payload key ${added.id} to ${file}; it encrypts from now on, the older keys still decrypt.`,
            'Clients use it at once; running workers decrypt it already (they reread the file for an unknown key id) and encrypt with it after a restart.',
            'Keep every older key for as long as a history encrypted with it may be read (a mission started with it is still running, or its histories are kept).',
          ].join('\n'),
        );
      }),
    );
}
