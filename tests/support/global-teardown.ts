import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const started = globalThis.__LANTERNE_TEST_PG__;
  if (!started) return;
  await started.pg.stop();
  fs.rmSync(started.dir, { recursive: true, force: true });
}
