import { createHash, randomBytes } from 'node:crypto';
import { UserError } from '../infra/user-error';

/** Name of the environment variable holding the token-encryption key. */
export const SECRET_KEY_ENV = 'LANTERNE_SECRET_KEY';

const EXPECTED =
  'a 32-byte key written as 64 hex characters or as base64 (44 characters); create one with ' +
  `\`node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))"\``;

/** An AES-256 key and its public fingerprint (stored next to each ciphertext to detect a key change). */
export interface SecretKey {
  readonly key: Buffer;
  /** Non-secret fingerprint: first 16 hex characters of SHA-256("lanterne-key-id:" + key). */
  readonly id: string;
}

/** A fresh random 32-byte key, base64 encoded, fit for LANTERNE_SECRET_KEY. */
export function generateSecretKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * Parse a 32-byte key given as hex (64 characters) or base64/base64url. The error names the
 * variable and the accepted format, never the value.
 */
export function parseSecretKey(value: string | undefined, variable: string = SECRET_KEY_ENV): SecretKey {
  const text = value?.trim() ?? '';
  if (text === '') {
    throw new UserError(`${variable} is not set: it must hold ${EXPECTED}`);
  }
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    key = Buffer.from(text, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const decoded = Buffer.from(text, 'base64');
    if (decoded.length === 32) key = decoded;
  }
  if (!key) {
    throw new UserError(
      `${variable} is not a valid key (${text.length} characters): it must hold ${EXPECTED}`,
    );
  }
  return { key, id: keyId(key) };
}

/** The key from LANTERNE_SECRET_KEY in `env` (default `process.env`). */
export function loadSecretKey(env: NodeJS.ProcessEnv = process.env): SecretKey {
  return parseSecretKey(env[SECRET_KEY_ENV]);
}

function keyId(key: Buffer): string {
  return createHash('sha256').update('lanterne-key-id:').update(key).digest('hex').slice(0, 16);
}
