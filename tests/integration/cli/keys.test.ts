import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildOnce, cleanEnv, runCli } from './run-cli';
import { parseSecretKey } from '../../../src/secrets';

/** `lanterne keys list|rotate` as a user runs them, on a state folder of the test's own. */
describe('lanterne keys', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-keys-cli-'));
  const state = path.join(tmp, 'state');
  const file = path.join(state, 'keys', 'payload-keys.json');
  const env = cleanEnv({ LANTERNE_STATE_DIR: state });
  beforeAll(() => buildOnce(), 120_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('list says there is no key yet; rotate makes the first, then a newer one that encrypts', async () => {
    const none = await runCli(['keys', 'list'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`lanterne: no payload key yet (no LANTERNE_PAYLOAD_KEY, no ${file})`);

    const first = await runCli(['keys', 'rotate', '--json'], env);
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout);
    expect(a).toMatchObject({ file, firstKey: true, id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const second = await runCli(['keys', 'rotate'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('it encrypts from now on, the older keys still decrypt');

    const listed = await runCli(['keys', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    const keys = JSON.parse(listed.stdout);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatchObject({ role: 'encrypts', source: file });
    expect(keys[1]).toMatchObject({ id: a.id, role: 'decrypts', source: file });

    // Key material never reaches the output.
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')).keys.map((k: { key: string }) => k.key);
    for (const out of [first, second, listed, await runCli(['keys', 'list'], env)]) for (const k of stored) expect(out.stdout + out.stderr).not.toContain(k);
  }, 60_000);

  it('LANTERNE_PAYLOAD_KEY wins: it is listed first and rotating the file is refused with what to do', async () => {
    const key = randomBytes(32).toString('hex');
    const withEnv = cleanEnv({ LANTERNE_STATE_DIR: state, LANTERNE_PAYLOAD_KEY: key });
    const listed = await runCli(['keys', 'list'], withEnv);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[2]).toMatch(new RegExp(`^${parseSecretKey(key).id}\\s+encrypts\\s+—\\s+LANTERNE_PAYLOAD_KEY$`));
    expect(lines.slice(3).every((l) => l.includes('decrypts'))).toBe(true);

    const refused = await runCli(['keys', 'rotate'], withEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('lanterne: LANTERNE_PAYLOAD_KEY is set, and it wins over the key file: rotating the file would change nothing');
    expect(refused.stderr).toContain('→ to rotate, add the current value to LANTERNE_PAYLOAD_KEYS_PREVIOUS');
  }, 60_000);
});
