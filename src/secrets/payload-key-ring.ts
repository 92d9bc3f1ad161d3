import type { SecretKey } from './secret-key';

/**
 * The keys of the payload codec: the first (newest) one encrypts, every one decrypts, so a key can
 * be rotated while missions started under the old one still run. Each encrypted payload names its
 * key id (`encryption-key-id` metadata), which is how the right key is found.
 *
 * `reload`, when given, is asked for the keys again when a payload names an id the ring does not
 * hold (e.g. `lanterne keys rotate` added one to the key file while this process runs). Keys it
 * returns are added for decryption; the encrypting key stays the one the process started with.
 */
export class PayloadKeyRing {
  private keys: SecretKey[];

  constructor(
    keys: readonly SecretKey[],
    private readonly reload?: () => readonly SecretKey[],
  ) {
    if (keys.length === 0) throw new Error('a payload key ring needs at least one key');
    this.keys = unique(keys);
  }

  /** The key that encrypts. */
  get current(): SecretKey {
    return this.keys[0]!;
  }

  /** Ids of every key, the encrypting one first. */
  get ids(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** The key with this id, or undefined (after asking `reload` once). */
  find(id: string): SecretKey | undefined {
    const known = this.keys.find((k) => k.id === id);
    if (known || !this.reload) return known;
    let fresh: readonly SecretKey[];
    try {
      fresh = this.reload();
    } catch {
      return undefined; // a key file made unreadable meanwhile: the unknown-key error says what to do
    }
    this.keys = unique([...this.keys, ...fresh]);
    return this.keys.find((k) => k.id === id);
  }
}

function unique(keys: readonly SecretKey[]): SecretKey[] {
  const seen = new Set<string>();
  return keys.filter((k) => !seen.has(k.id) && Boolean(seen.add(k.id)));
}
