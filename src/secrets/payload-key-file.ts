import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../infra/user-error';
import { generateSecretKey, parseSecretKey, type SecretKey } from './secret-key';

/**
 * The payload key file that `lanterne up` (or `lanterne worker`) creates on first run:
 * `<state folder>/keys/payload-keys.json`, the folder 0700 and the file 0600 (owner only). It holds
 * the key ring, newest key first; `lanterne keys rotate` puts a new key in front. Keys are only
 * ever written here, never printed or logged (ids are fingerprints, safe to show).
 */
export const PAYLOAD_KEY_FILE = path.join('keys', 'payload-keys.json');

export interface StoredPayloadKey {
  /** Fingerprint of the key (see SecretKey.id). */
  id: string;
  /** The 32-byte key, base64. */
  key: string;
  /** ISO instant the key was made. */
  created: string;
}

interface KeyFileContent {
  version: 1;
  /** Newest first: the first key encrypts. */
  keys: StoredPayloadKey[];
}

export function payloadKeyFilePath(stateDir: string): string {
  return path.join(stateDir, PAYLOAD_KEY_FILE);
}

/** The keys of a key file, newest first, with their key material checked. */
export function readPayloadKeyFile(file: string): { stored: StoredPayloadKey[]; keys: SecretKey[] } {
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new UserError(
      `${file} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}): it holds the key to every Temporal payload`,
      `make it owner-only: chmod 600 ${file}`,
    );
  }
  let content: KeyFileContent;
  try {
    content = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFileContent;
  } catch (err) {
    throw new UserError(`${file} is not valid JSON (${(err as Error).message})`, 'restore it from your backup; it must hold { "version": 1, "keys": [{ "id", "key", "created" }] }');
  }
  if (!content || content.version !== 1 || !Array.isArray(content.keys) || content.keys.length === 0) {
    throw new UserError(`${file} holds no payload keys`, 'restore it from your backup; it must hold { "version": 1, "keys": [{ "id", "key", "created" }, …] }, newest first');
  }
  const keys = content.keys.map((k, i) => {
    const key = parseSecretKey(typeof k?.key === 'string' ? k.key : undefined, `${file}: keys[${i}].key`);
    if (k.id !== key.id) throw new UserError(`${file}: keys[${i}].id is ${JSON.stringify(k.id)}, but that key's id is ${key.id}`, 'restore the file from your backup (ids are fingerprints of the keys)');
    return key;
  });
  return { stored: content.keys, keys };
}

/**
 * The key file of this state folder, made with one fresh key if it does not exist yet. Safe
 * against a second process doing the same at once: the file appears complete or not at all, and
 * the one that loses the race reads the winner's.
 */
export function ensurePayloadKeyFile(stateDir: string, now: Date = new Date()): { file: string; created: boolean } {
  const file = payloadKeyFilePath(stateDir);
  if (fs.existsSync(file)) return { file, created: false };
  makeKeyFolder(path.dirname(file));
  const temp = writeTemp(file, { version: 1, keys: [freshKey(now)] });
  try {
    fs.linkSync(temp, file); // fails if the file appeared meanwhile
    return { file, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { file, created: false };
    throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Puts a new key in front of the file's ring (it encrypts from now on); the older keys stay to decrypt. */
export function rotatePayloadKeyFile(stateDir: string, now: Date = new Date()): { file: string; added: StoredPayloadKey; created: boolean } {
  const { file, created } = ensurePayloadKeyFile(stateDir, now);
  if (created) {
    const { stored } = readPayloadKeyFile(file);
    return { file, added: stored[0]!, created };
  }
  const { stored } = readPayloadKeyFile(file);
  const added = freshKey(now);
  const temp = writeTemp(file, { version: 1, keys: [added, ...stored] });
  fs.renameSync(temp, file); // atomic: readers see the old ring or the new one
  return { file, added, created: false };
}

function freshKey(now: Date): StoredPayloadKey {
  const key = generateSecretKey();
  return { id: parseSecretKey(key).id, key, created: now.toISOString() };
}

function makeKeyFolder(dir: string): void {
  const existed = fs.existsSync(dir);
  fs.mkdirSync(path.dirname(dir), { recursive: true }); // the state folder keeps its usual mode (PostgreSQL's server user enters it)
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existed) fs.chmodSync(dir, 0o700); // whatever the umask
}

function writeTemp(file: string, content: KeyFileContent): string {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, JSON.stringify(content, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(temp, 0o600); // whatever the umask
  return temp;
}
