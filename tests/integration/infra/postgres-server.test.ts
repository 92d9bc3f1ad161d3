import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startPostgres } from '../../../src/infra/postgres-server';
import { isListening } from '../../../src/infra/ports';

describe('embedded PostgreSQL launcher', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-pg-'));
    fs.chmodSync(d, 0o755);
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('starts a real PostgreSQL, keeps data across restarts, and stops without leaving a listener', async () => {
    const dataDir = tmp();
    const first = await startPostgres({ dataDir });
    const c = new Client({ connectionString: first.url });
    await c.connect();
    const v = await c.query('show server_version');
    expect(v.rows[0].server_version).toMatch(/^\d+\.\d+/);
    await c.query('create table kept (n int)');
    await c.query('insert into kept values (42)');
    await c.end();
    await first.stop();
    expect(await isListening(first.port)).toBe(false);

    const second = await startPostgres({ dataDir });
    const c2 = new Client({ connectionString: second.url });
    await c2.connect();
    const rows = await c2.query('select n from kept');
    expect(rows.rows).toEqual([{ n: 42 }]);
    await c2.end();
    await second.stop();
  });

  it('as root inside a folder closed to the server user, keeps the data in a stand-in folder that persists', async () => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-pg-closed-')); // mode 0700
    const fallback = tmp();
    dirs.push(closed);
    const before = process.env.LANTERNE_PG_FALLBACK_DIR;
    process.env.LANTERNE_PG_FALLBACK_DIR = fallback;
    try {
      const requested = path.join(closed, 'state', 'postgres');
      const first = await startPostgres({ dataDir: requested });
      const asRoot = process.getuid?.() === 0;
      expect(first.dataDir.startsWith(asRoot ? fallback : requested)).toBe(true);
      await first.stop();
      const second = await startPostgres({ dataDir: requested });
      expect(second.dataDir).toBe(first.dataDir); // the same stand-in every time
      await second.stop();
    } finally {
      if (before === undefined) delete process.env.LANTERNE_PG_FALLBACK_DIR;
      else process.env.LANTERNE_PG_FALLBACK_DIR = before;
    }
  });

  it('refuses a port that is already in use with a clear message', async () => {
    const running = await startPostgres({ dataDir: tmp() });
    try {
      await expect(startPostgres({ dataDir: tmp(), port: running.port })).rejects.toThrow(
        `port ${running.port} for the embedded PostgreSQL is already in use`,
      );
    } finally {
      await running.stop();
    }
  });
});
