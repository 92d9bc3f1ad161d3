import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { parseSecretKey, type SecretKey } from './secret-key';

/** The variable holding the key that encrypts Temporal payloads (health data in histories). */
export const PAYLOAD_KEY_ENV = 'LANTERNE_PAYLOAD_KEY';
export const ENCRYPTED_ENCODING = 'binary/encrypted';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * AES-256-GCM payload codec: every workflow and activity input and result (observations, load
 * figures, decisions…) is encrypted before it reaches the Temporal server, so histories, the UI and
 * backups hold ciphertext. The worker and every client (CLI, dashboard) use the same key.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly key: SecretKey) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.key.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), 'encryption-key-id': encoder.encode(this.key.id) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (!p.metadata || decoder.decode(p.metadata.encoding) !== ENCRYPTED_ENCODING) return p;
      const keyId = p.metadata['encryption-key-id'] ? decoder.decode(p.metadata['encryption-key-id']) : '?';
      if (keyId !== this.key.id) {
        throw new Error(`payload encrypted with key ${keyId}, but ${PAYLOAD_KEY_ENV} is key ${this.key.id}: use the key the mission was started with`);
      }
      const data = Buffer.from(p.data ?? new Uint8Array());
      const iv = data.subarray(0, 12);
      const tag = data.subarray(data.length - 16);
      const decipher = createDecipheriv('aes-256-gcm', this.key.key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

/** The data converter for workers and clients: encrypted payloads when LANTERNE_PAYLOAD_KEY is set. */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): { payloadCodecs: PayloadCodec[] } | undefined {
  const value = env[PAYLOAD_KEY_ENV];
  if (!value) return undefined;
  return { payloadCodecs: [new EncryptionCodec(parseSecretKey(value, PAYLOAD_KEY_ENV))] };
}
