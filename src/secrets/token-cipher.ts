import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from './secret-key';

/** AES-256-GCM box: ciphertext, 12-byte random IV, 16-byte auth tag and the key's fingerprint. */
export interface SealedBox {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  keyId: string;
}

/**
 * Encrypt `plaintext` with AES-256-GCM. `aad` (e.g. "athlete/provider") is authenticated but not
 * stored: a box copied to another athlete's row fails to open.
 */
export function seal(key: SecretKey, plaintext: string, aad: string): SealedBox {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext, iv, authTag: cipher.getAuthTag(), keyId: key.id };
}

/** Decrypt a box sealed by `seal`; throws when the key, the aad or any byte differs. */
export function open(key: SecretKey, box: SealedBox, aad: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key.key, box.iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(box.authTag);
  return Buffer.concat([decipher.update(box.ciphertext), decipher.final()]).toString('utf8');
}
