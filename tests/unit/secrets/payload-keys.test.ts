import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { buildOnce, ROOT } from '../../integration/cli/run-cli';
import {
  EncryptionCodec,
  ensurePayloadKeyFile,
  openPayloadKeys,
  parseSecretKey,
  payloadKeyFilePath,
  payloadKeyId,
  readPayloadKeyFile,
  rotatePayloadKeyFile,
} from '../../../src/secrets';

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const newKey = () => randomBytes(32).toString('base64');
const plain = (s: string) => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(s) });

describe('the payload key file and key ring', () => {
  let state: string;
  beforeEach(() => {
    state = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-keys-')), 'state');
  });
  afterEach(() => fs.rmSync(path.dirname(state), { recursive: true, force: true }));

  it('is made once, owner-only, in the state folder (which keeps its own mode)', () => {
    const first = ensurePayloadKeyFile(state);
    expect(first).toEqual({ file: path.join(state, 'keys', 'payload-keys.json'), created: true });
    expect(fs.statSync(first.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(first.file)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(state).mode & 0o077).not.toBe(0); // PostgreSQL's server user may still enter it
    const again = ensurePayloadKeyFile(state);
    expect(again.created).toBe(false);
    const { stored, keys } = readPayloadKeyFile(first.file);
    expect(stored).toHaveLength(1);
    expect(keys[0]!.id).toBe(stored[0]!.id);
    expect(fs.readdirSync(path.dirname(first.file))).toEqual(['payload-keys.json']); // no temp file left
  });

  it('processes creating it at once end with one key file, made by exactly one of them', async () => {
    buildOnce();
    const module = path.join(ROOT, 'dist', 'secrets', 'payload-key-file.js');
    const script = `const k = require(${JSON.stringify(module)}); const r = k.ensurePayloadKeyFile(process.argv[1]); console.log(JSON.stringify({ created: r.created, id: k.readPayloadKeyFile(r.file).stored[0].id }))`;
    const run = () =>
      new Promise<{ created: boolean; id: string }>((resolve, reject) =>
        execFile(process.execPath, ['-e', script, state], (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout)))),
      );
    const results = await Promise.all([run(), run(), run(), run()]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(readPayloadKeyFile(payloadKeyFilePath(state)).stored).toHaveLength(1);
  }, 60_000);

  it('rotation: the new key encrypts, the old one still decrypts, each payload names its key', async () => {
    const before = openPayloadKeys({ env: {}, stateDir: state, create: true })!;
    expect(before).toMatchObject({ source: 'file', created: true });
    const old = new EncryptionCodec(before.ring);
    const [sealedOld] = await old.encode([plain('{"hrvMs":41.3}')]);

    const { added } = rotatePayloadKeyFile(state);
    expect(fs.statSync(payloadKeyFilePath(state)).mode & 0o777).toBe(0o600);
    const after = openPayloadKeys({ env: {}, stateDir: state, create: true })!;
    expect(after.created).toBe(false);
    expect(after.ring.ids).toEqual([added.id, before.ring.current.id]);
    const codec = new EncryptionCodec(after.ring);
    const [sealedNew] = await codec.encode([plain('{"restingHr":52}')]);
    expect(payloadKeyId(sealedNew!)).toBe(added.id);
    expect(payloadKeyId(sealedOld!)).toBe(before.ring.current.id);
    expect((await codec.decode([sealedOld!, sealedNew!])).map((p) => text(p.data))).toEqual(['{"hrvMs":41.3}', '{"restingHr":52}']);

    // A process started before the rotation still decrypts what the new key encrypted: it rereads the file.
    expect((await old.decode([sealedNew!])).map((p) => text(p.data))).toEqual(['{"restingHr":52}']);
  });

  it('LANTERNE_PAYLOAD_KEY wins and creates no file; LANTERNE_PAYLOAD_KEYS_PREVIOUS and the file still decrypt', async () => {
    const env = { LANTERNE_PAYLOAD_KEY: newKey() };
    const keys = openPayloadKeys({ env, stateDir: state, create: true })!;
    expect(keys).toMatchObject({ source: 'env', file: null, created: false });
    expect(fs.existsSync(payloadKeyFilePath(state))).toBe(false);
    expect(keys.ring.current.id).toBe(parseSecretKey(env.LANTERNE_PAYLOAD_KEY).id);

    const fileKeys = openPayloadKeys({ env: {}, stateDir: state, create: true })!;
    const previous = newKey();
    const [fromFile] = await new EncryptionCodec(fileKeys.ring).encode([plain('"file"')]);
    const [fromPrevious] = await new EncryptionCodec(openPayloadKeys({ env: { LANTERNE_PAYLOAD_KEY: previous }, stateDir: state + '-none', create: false })!.ring).encode([plain('"previous"')]);
    const both = openPayloadKeys({ env: { ...env, LANTERNE_PAYLOAD_KEYS_PREVIOUS: ` ${newKey()}, ${previous} ` }, stateDir: state, create: false })!;
    expect(both.source).toBe('env');
    expect(both.ring.ids).toHaveLength(4);
    expect(both.ring.current.id).toBe(keys.ring.current.id);
    expect((await new EncryptionCodec(both.ring).decode([fromFile!, fromPrevious!])).map((p) => text(p.data))).toEqual(['"file"', '"previous"']);
  });

  it('a client finds no key where none was made: null (the codec then refuses to send or read)', async () => {
    expect(openPayloadKeys({ env: {}, stateDir: state, create: false })).toBeNull();
    expect(fs.existsSync(state)).toBe(false);
    const codec = new EncryptionCodec(null);
    await expect(codec.encode([plain('{"hrvMs":41.3}')])).rejects.toThrow('no payload key is configured, so nothing is sent: set LANTERNE_PAYLOAD_KEY');
    expect(await codec.encode([])).toEqual([]);
    const [sealed] = await new EncryptionCodec(openPayloadKeys({ env: {}, stateDir: state, create: true })!.ring).encode([plain('1')]);
    await expect(codec.decode([sealed!])).rejects.toThrow(`payload encrypted with key ${payloadKeyId(sealed!)}, but no payload key is configured`);
    expect(await codec.decode([plain('2')])).toEqual([plain('2')]); // plaintext passes
  });

  it('an unknown key, an altered payload and bad key material each get a clear error', async () => {
    const a = new EncryptionCodec(openPayloadKeys({ env: { LANTERNE_PAYLOAD_KEY: newKey() }, stateDir: state, create: false })!.ring);
    const bRing = openPayloadKeys({ env: { LANTERNE_PAYLOAD_KEY: newKey() }, stateDir: state, create: false })!.ring;
    const [sealed] = await a.encode([plain('{"hrv":38}')]);
    const id = payloadKeyId(sealed!)!;
    await expect(new EncryptionCodec(bRing).decode([sealed!])).rejects.toThrow(
      `payload encrypted with key ${id}, which is not among the payload keys (${bRing.current.id}): give that key in LANTERNE_PAYLOAD_KEYS_PREVIOUS, or restore the key file that held it`,
    );
    const altered = { ...sealed!, data: Buffer.from(sealed!.data!).fill(0, 20, 21) };
    await expect(a.decode([altered])).rejects.toThrow(`payload encrypted with key ${id} does not decrypt: it was altered or truncated`);

    expect(() => openPayloadKeys({ env: { LANTERNE_PAYLOAD_KEY: newKey(), LANTERNE_PAYLOAD_KEYS_PREVIOUS: `${newKey()},short` }, stateDir: state, create: false })).toThrow(
      'LANTERNE_PAYLOAD_KEYS_PREVIOUS (key 2) is not a valid key (5 characters)',
    );
  });

  it('a key file readable by others, or damaged, is refused with the file and the fix', () => {
    const { file } = ensurePayloadKeyFile(state);
    fs.chmodSync(file, 0o644);
    expect(() => openPayloadKeys({ env: {}, stateDir: state, create: false })).toThrow(`${file} can be read by other users (mode 0644)`);
    fs.chmodSync(file, 0o600);
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...content, keys: [{ ...content.keys[0], id: 'feedfacefeedface' }] }));
    expect(() => readPayloadKeyFile(file)).toThrow(`${file}: keys[0].id is "feedfacefeedface", but that key's id is ${content.keys[0].id}`);
    fs.writeFileSync(file, '{ "version": 1, "keys": [');
    expect(() => readPayloadKeyFile(file)).toThrow(`${file} is not valid JSON`);
    fs.writeFileSync(file, '{ "version": 1, "keys": [] }');
    expect(() => readPayloadKeyFile(file)).toThrow(`${file} holds no payload keys`);
  });
});
