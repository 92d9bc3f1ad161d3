import fs from 'node:fs';
import { parseSecretKey, type SecretKey } from './secret-key';
import { PayloadKeyRing } from './payload-key-ring';
import { ensurePayloadKeyFile, payloadKeyFilePath, readPayloadKeyFile } from './payload-key-file';

/** The key that encrypts Temporal payloads, when given through the environment (it wins over the key file). */
export const PAYLOAD_KEY_ENV = 'LANTERNE_PAYLOAD_KEY';
/** Older keys that still decrypt, comma-separated (same format as LANTERNE_PAYLOAD_KEY). */
export const PAYLOAD_KEYS_PREVIOUS_ENV = 'LANTERNE_PAYLOAD_KEYS_PREVIOUS';

export interface PayloadKeys {
  ring: PayloadKeyRing;
  /** Where the encrypting key came from. */
  source: 'env' | 'file';
  /** The state folder's key file, when it exists (its keys decrypt even when the environment's key encrypts). */
  file: string | null;
  /** Whether this call created the key file (its path is then shown once). */
  created: boolean;
}

/** The older keys from LANTERNE_PAYLOAD_KEYS_PREVIOUS, each checked (the error names the variable and the position). */
export function previousKeysFromEnv(env: NodeJS.ProcessEnv): SecretKey[] {
  const raw = env[PAYLOAD_KEYS_PREVIOUS_ENV]?.trim();
  if (!raw) return [];
  return raw
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v, i) => parseSecretKey(v, `${PAYLOAD_KEYS_PREVIOUS_ENV} (key ${i + 1})`));
}

/** The ring given by the environment alone (LANTERNE_PAYLOAD_KEY, then LANTERNE_PAYLOAD_KEYS_PREVIOUS), or null. */
export function payloadKeysFromEnv(env: NodeJS.ProcessEnv): PayloadKeyRing | null {
  const value = env[PAYLOAD_KEY_ENV];
  if (!value) return null;
  return new PayloadKeyRing([parseSecretKey(value, PAYLOAD_KEY_ENV), ...previousKeysFromEnv(env)]);
}

/**
 * The payload keys of a process, found the same way by `up`, the worker and every CLI command:
 * LANTERNE_PAYLOAD_KEY when set (it encrypts), else the state folder's key file (its newest key
 * encrypts); LANTERNE_PAYLOAD_KEYS_PREVIOUS and the key file's keys always decrypt. With `create`
 * (`up`, `worker`), a missing key file is made; without it (clients), no key at all gives null.
 */
export function openPayloadKeys(opts: { env: NodeJS.ProcessEnv; stateDir: string; create: boolean }): PayloadKeys | null {
  const file = payloadKeyFilePath(opts.stateDir);
  const previous = previousKeysFromEnv(opts.env);
  const fromEnv = opts.env[PAYLOAD_KEY_ENV] ? parseSecretKey(opts.env[PAYLOAD_KEY_ENV], PAYLOAD_KEY_ENV) : null;
  let created = false;
  if (!fromEnv && opts.create) created = ensurePayloadKeyFile(opts.stateDir).created;
  const hasFile = fs.existsSync(file);
  const fileKeys = hasFile ? readPayloadKeyFile(file).keys : [];
  const reload = hasFile ? () => readPayloadKeyFile(file).keys : undefined;
  if (fromEnv) return { ring: new PayloadKeyRing([fromEnv, ...previous, ...fileKeys], reload), source: 'env', file: hasFile ? file : null, created };
  if (!hasFile) return null;
  return { ring: new PayloadKeyRing([...fileKeys, ...previous], reload), source: 'file', file, created };
}
