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
 * Compose's interpolation as `docker compose` does it for the forms this file uses: `${NAME}` and
 * `${NAME:?message}` (required: a missing or empty value stops compose with the message).
 */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::\?([^}]*))?\}/g, (_m, name: string, required: string | undefined) => {
    const value = env[name];
    if (required !== undefined && !value) throw new Error(`required variable ${name} is missing a value: ${required}`);
    return value ?? '';
  });
}

/**
 * No Docker engine runs here, so the compose file is checked for what the README promises:
 * Temporal on PostgreSQL with official images, the UI, and a Lanterne worker wired to both.
 */
describe('docker-compose.yml', () => {
  const text = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
  /** The file as compose sees it with a .env that sets what it requires. */
  const DOTENV = { POSTGRES_PASSWORD: 'from-dot-env-0123', LANTERNE_PAYLOAD_KEY: 'k'.repeat(44), LANTERNE_CODEC_TOKEN: 'codec-token-from-dot-env' };
  const compose = parse(interpolate(text, DOTENV)) as { services: Record<string, Service> };
  const s = compose.services;

  it('has Temporal on PostgreSQL with the official images', () => {
    expect(s.temporal.image).toMatch(/^temporalio\/auto-setup:\d+\.\d+\.\d+$/);
    expect(s.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'temporal-db' });
    expect(s['temporal-db'].image).toMatch(/^postgres:\d+/);
    expect(s.temporal.ports).toContain('127.0.0.1:7233:7233');
  });

  it('serves the Temporal UI pointed at the server', () => {
    expect(s['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(s['temporal-ui'].environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(s['temporal-ui'].ports).toContain('127.0.0.1:8080:8080');
  });

  it('runs a Lanterne worker built from this repository, wired to Temporal and its own database', () => {
    const w = s['lanterne-worker'];
    expect(w.build).toBe('.');
    expect(w.command).toEqual(['node', 'bin/lanterne.js', 'worker']);
    expect(w.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    const db = new URL(w.environment!.DATABASE_URL);
    expect(db.hostname).toBe('lanterne-db');
    expect(s['lanterne-db'].environment).toMatchObject({ POSTGRES_USER: db.username, POSTGRES_DB: db.pathname.slice(1), POSTGRES_PASSWORD: db.password });
    expect(Object.keys(w.depends_on as object)).toEqual(expect.arrayContaining(['temporal', 'lanterne-db']));
    // The worker image holds no mission files: missions travel as data from the client.
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^CMD \["node", "bin\/lanterne\.js", "worker"\]$/m);
    expect(dockerfile).not.toMatch(/^COPY\s+missions\b/m);
  });

  it('puts no secrets in the file', () => {
    for (const name of ['OPENAI_API_KEY', 'SMTP_PASSWORD', 'TWILIO_AUTH_TOKEN', 'LANTERNE_SECRET_KEY', 'STRAVA_CLIENT_SECRET', 'OURA_CLIENT_SECRET']) {
      expect(text).not.toMatch(new RegExp(`${name}\\s*:`));
    }
  });

  it('binds every published port to 127.0.0.1 (this host only)', () => {
    const published = Object.entries(s).flatMap(([name, svc]) => (svc.ports ?? []).map((p) => `${name} ${p}`));
    expect(published.length).toBeGreaterThanOrEqual(3);
    for (const p of published) expect(p).toMatch(/^\S+ 127\.0\.0\.1:\d+:\d+$/);
  });

  it('takes the database password and the payload key from .env: no default in the file, none without them', () => {
    // Every password (and the URL's) is the .env value; the file itself holds none.
    expect(s['temporal-db'].environment?.POSTGRES_PASSWORD).toBe(DOTENV.POSTGRES_PASSWORD);
    expect(s.temporal.environment?.POSTGRES_PWD).toBe(DOTENV.POSTGRES_PASSWORD);
    expect(s['lanterne-db'].environment?.POSTGRES_PASSWORD).toBe(DOTENV.POSTGRES_PASSWORD);
    expect(new URL(s['lanterne-worker'].environment!.DATABASE_URL).password).toBe(DOTENV.POSTGRES_PASSWORD);
    expect(s['lanterne-worker'].environment?.LANTERNE_PAYLOAD_KEY).toBe(DOTENV.LANTERNE_PAYLOAD_KEY);
    expect(text).not.toMatch(/POSTGRES_(PASSWORD|PWD):\s+[^$\s]/);
    // Without them compose stops with a message naming the variable and .env.
    expect(() => interpolate(text, { LANTERNE_PAYLOAD_KEY: 'x', LANTERNE_CODEC_TOKEN: 'x' })).toThrow('required variable POSTGRES_PASSWORD is missing a value: set POSTGRES_PASSWORD in .env');
    expect(() => interpolate(text, { POSTGRES_PASSWORD: 'x', LANTERNE_CODEC_TOKEN: 'x' })).toThrow('required variable LANTERNE_PAYLOAD_KEY is missing a value: set LANTERNE_PAYLOAD_KEY in .env');
    // .env.example names both, empty.
    const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    expect(example).toMatch(/^POSTGRES_PASSWORD=$/m);
    expect(example).toMatch(/^LANTERNE_PAYLOAD_KEY=$/m);
    expect(example).toMatch(/^LANTERNE_CODEC_TOKEN=$/m);
  });

  it('gives the UI a codec server that decodes only for the token from .env, on the origin the browser calls', () => {
    const codec = s['lanterne-codec'];
    const ui = s['temporal-ui'];
    expect(codec.build).toBe('.');
    expect(codec.command?.slice(0, 3)).toEqual(['node', 'bin/lanterne.js', 'codec-server']);
    const flag = (name: string) => codec.command![codec.command!.indexOf(name) + 1];
    expect(flag('--host')).toBe('0.0.0.0'); // reachable through the published port
    // The browser calls the codec endpoint from the UI's page: published on the host, same site as the UI.
    const [, hostPort, containerPort] = /^127\.0\.0\.1:(\d+):(\d+)$/.exec(codec.ports![0]!)!;
    expect(containerPort).toBe(flag('--port'));
    expect(ui.environment?.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${hostPort}/codec`);
    expect(ui.environment?.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true'); // the sign-in cookie goes with each call
    const uiPublished = /^127\.0\.0\.1:(\d+):\d+$/.exec(ui.ports![0]!)![1];
    expect(flag('--ui-origin')).toBe(`http://localhost:${uiPublished}`); // CORS: only the UI's origin
    expect(codec.environment?.LANTERNE_PAYLOAD_KEY).toBe(DOTENV.LANTERNE_PAYLOAD_KEY); // the worker's key
    expect(codec.environment?.LANTERNE_CODEC_TOKEN).toBe(DOTENV.LANTERNE_CODEC_TOKEN);
    expect(() => interpolate(text, { POSTGRES_PASSWORD: 'x', LANTERNE_PAYLOAD_KEY: 'x' })).toThrow('required variable LANTERNE_CODEC_TOKEN is missing a value: set LANTERNE_CODEC_TOKEN in .env');
    // `codec-server` is a command of this CLI, with these options.
    const main = fs.readFileSync(path.join(ROOT, 'src/cli/commands/codec-server.ts'), 'utf8');
    for (const option of ['--host', '--port', '--ui-origin']) expect(main).toContain(`'${option} <`);
  });

  it('builds an image with what `worker` and `codec-server` run: the compiled program, bin, data and package.json, no missions', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN npx tsc -p tsconfig\.build\.json$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(dockerfile).toMatch(/^COPY bin \.\/bin$/m);
    expect(dockerfile).toMatch(/^COPY data \.\/data$/m);
    expect(dockerfile).toMatch(/^COPY package\.json package-lock\.json \.\/$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev --ignore-scripts$/m);
    // bin/lanterne.js runs dist/cli/main.js; the worker reads data/peloton-catalogue.json (the offline catalogue).
    expect(fs.readFileSync(path.join(ROOT, 'bin/lanterne.js'), 'utf8')).toContain("path.join(__dirname, '..', 'dist', 'cli', 'main.js')");
    expect(fs.existsSync(path.join(ROOT, 'data/peloton-catalogue.json'))).toBe(true);
    // What the image compiles is the whole of src/, and the build config compiles exactly src/.
    const build = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[]; compilerOptions: { outDir: string } };
    expect(build).toMatchObject({ include: ['src/**/*.ts'], compilerOptions: { outDir: 'dist' } });
    expect(dockerfile).toMatch(/^COPY src \.\/src$/m);
    const ignored = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const needed of ['src', 'bin', 'data', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) expect(ignored).not.toContain(needed);
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'node_modules', '.lanterne']));
  });

  it('the worker registers the search attributes the UI filters on (no manual step)', () => {
    const main = fs.readFileSync(path.join(ROOT, 'src/cli/main.ts'), 'utf8');
    expect(main).toContain('registerSearchAttributes');
    expect(SEARCH_ATTRIBUTES.map((a) => a.name)).toContain('LanterneMissionId');
  });
});
