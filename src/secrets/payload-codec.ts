import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKeyRing } from './payload-key-ring';
import { PAYLOAD_KEY_ENV, PAYLOAD_KEYS_PREVIOUS_ENV, payloadKeysFromEnv } from './payload-keys';

export { PAYLOAD_KEY_ENV } from './payload-keys';
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A payload the codec cannot decrypt: its key is unknown (or none is configured), or its bytes were altered. */
export class PayloadKeyError extends Error {
  constructor(
    message: string,
    /** The key id the payload names ('?' when it names none). */
    public readonly keyId: string,
  ) {
    super(message);
    this.name = 'PayloadKeyError';
  }
}

/**
 * AES-256-GCM payload codec: every workflow and activity input and result (observations, load
 * figures, decisions…) is encrypted before it reaches the Temporal server, so histories, the UI and
 * backups hold ciphertext. The ring's newest key encrypts and any of its keys decrypts; each payload
 * names its key id. The worker and every client (CLI, dashboard, codec server) use the same keys.
 *
 * Without a ring (a client that found no key) nothing is sent: encoding refuses, and an encrypted
 * payload gets an error naming its key id, rather than plaintext reaching an encrypted history.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeyRing | null) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (payloads.length === 0) return payloads;
    if (!this.keys) {
      throw new PayloadKeyError(`no payload key is configured, so nothing is sent: ${WHERE_KEYS_ARE}`, '?');
    }
    const key = this.keys.current;
    return payloads.map((p) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encoder.encode(key.id) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => (isEncrypted(p) ? this.decrypt(p) : p));
  }

  private decrypt(p: Payload): Payload {
    const keyId = payloadKeyId(p) ?? '?';
    if (!this.keys) {
      throw new PayloadKeyError(`payload encrypted with key ${keyId}, but no payload key is configured: ${WHERE_KEYS_ARE}`, keyId);
    }
    const key = this.keys.find(keyId);
    if (!key) {
      throw new PayloadKeyError(
        `payload encrypted with key ${keyId}, which is not among the payload keys (${this.keys.ids.join(', ')}): ` +
          `give that key in ${PAYLOAD_KEYS_PREVIOUS_ENV}, or restore the key file that held it`,
        keyId,
      );
    }
    const data = Buffer.from(p.data ?? new Uint8Array());
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    } catch {
      throw new PayloadKeyError(`payload encrypted with key ${keyId} does not decrypt: it was altered or truncated`, keyId);
    }
  }
}

const WHERE_KEYS_ARE =
  `set ${PAYLOAD_KEY_ENV} to the worker's key, or run where \`lanterne up\` (or \`lanterne worker\`) keeps its key file ` +
  '(<state folder>/keys/payload-keys.json; LANTERNE_STATE_DIR chooses the folder)';

export function isEncrypted(p: Payload): boolean {
  return Boolean(p.metadata?.encoding) && decoder.decode(p.metadata!.encoding) === ENCRYPTED_ENCODING;
}

/** The key id an encrypted payload names, or null. */
export function payloadKeyId(p: Payload): string | null {
  const id = p.metadata?.[KEY_ID_METADATA];
  return id ? decoder.decode(id) : null;
}

/**
 * The data converter of workers and clients: payloads encrypted with the ring (see
 * EncryptionCodec) and failures' messages inside encrypted payloads (failure-converter.ts).
 */
export function payloadDataConverter(keys: PayloadKeyRing | null): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath: require.resolve('./failure-converter') };
}

/** The data converter from LANTERNE_PAYLOAD_KEY (and LANTERNE_PAYLOAD_KEYS_PREVIOUS) alone; undefined without it. */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const ring = payloadKeysFromEnv(env);
  return ring ? payloadDataConverter(ring) : undefined;
}
