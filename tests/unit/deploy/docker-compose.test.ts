import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../../src/shared/search-attributes';

const ROOT = path.resolve(__dirname, '../../..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
}

/**
 * No Docker engine runs here, so the compose file is checked for what the README promises:
 * Temporal on PostgreSQL with official images, the UI, and a Lanterne worker wired to both.
 */
describe('docker-compose.yml', () => {
  const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
  const s = compose.services;

  it('has Temporal on PostgreSQL with the official images', () => {
    expect(s.temporal.image).toMatch(/^temporalio\/auto-setup:\d+\.\d+\.\d+$/);
    expect(s.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'temporal-db' });
    expect(s['temporal-db'].image).toMatch(/^postgres:\d+/);
    expect(s.temporal.ports).toContain('7233:7233');
  });

  it('serves the Temporal UI pointed at the server', () => {
    expect(s['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(s['temporal-ui'].environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(s['temporal-ui'].ports).toContain('8080:8080');
  });

  it('runs a Lanterne worker built from this repository, wired to Temporal and its own database', () => {
    const w = s['lanterne-worker'];
    expect(w.build).toBe('.');
    expect(w.command).toEqual(['node', 'bin/lanterne.js', 'worker']);
    expect(w.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    const db = new URL(w.environment!.DATABASE_URL);
    expect(db.hostname).toBe('lanterne-db');
    expect(s['lanterne-db'].environment).toMatchObject({ POSTGRES_USER: db.username, POSTGRES_DB: db.pathname.slice(1) });
    expect(Object.keys(w.depends_on as object)).toEqual(expect.arrayContaining(['temporal', 'lanterne-db']));
    expect(fs.existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
  });

  it('puts no secrets in the file', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const name of ['OPENAI_API_KEY', 'SMTP_PASSWORD', 'TWILIO_AUTH_TOKEN', 'LANTERNE_SECRET_KEY', 'STRAVA_CLIENT_SECRET', 'OURA_CLIENT_SECRET']) {
      expect(text).not.toMatch(new RegExp(`${name}\\s*:`));
    }
  });

  it('the worker registers the search attributes the UI filters on (no manual step)', () => {
    const main = fs.readFileSync(path.join(ROOT, 'src/cli/main.ts'), 'utf8');
    expect(main).toContain('registerSearchAttributes');
    expect(SEARCH_ATTRIBUTES.map((a) => a.name)).toContain('LanterneMissionId');
  });
});
