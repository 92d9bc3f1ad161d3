/**
 * Secrets never belong in mission files (they end up in git, in the database and in Temporal
 * history). These helpers recognise keys and values that look secret and say where they belong.
 */
import type { MissionProblems } from './mission-problems';
import { isTable } from './schema-vocabulary';

const PROVIDERS = ['oura', 'strava', 'openai', 'smtp', 'twilio', 'peloton'] as const;
type Provider = (typeof PROVIDERS)[number];

const normalise = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

const ACCOUNT_ID_KEYS = new Set(['athleteid', 'stravaathleteid', 'stravaid', 'ouraid', 'accountid', 'userid', 'ownerid']);
const SECRET_PARTS = ['token', 'secret', 'password', 'passwd', 'apikey', 'privatekey', 'credential', 'bearer', 'authorization'];

/** True when a key name looks like it holds a secret or an account id. */
export function isSecretKey(key: string): boolean {
  const k = normalise(key);
  return ACCOUNT_ID_KEYS.has(k) || SECRET_PARTS.some((part) => k.includes(part));
}

function providerOf(pathKeys: readonly string[]): Provider | null {
  const joined = pathKeys.map(normalise).join('.');
  return PROVIDERS.find((p) => joined.includes(p)) ?? null;
}

/**
 * Where the value of a secret-looking key belongs instead, as the end of a sentence.
 * `pathKeys` are the key names from the top of the file down to the secret key.
 */
export function whereSecretBelongs(pathKeys: readonly string[]): string {
  const key = normalise(pathKeys[pathKeys.length - 1] ?? '');
  const provider = providerOf(pathKeys);
  const connect = (p: Provider | null): string =>
    `${p === 'oura' || p === 'strava' ? `run \`lanterne connect ${p}\`` : 'run `lanterne connect oura` or `lanterne connect strava`'} instead (tokens are kept in Lanterne's encrypted token store)`;

  if (ACCOUNT_ID_KEYS.has(key)) {
    const p = provider === 'oura' ? 'oura' : 'strava';
    return `link the account with \`lanterne connect ${p}\` instead; a mission names the athlete only by athlete.handle`;
  }
  if (key.includes('password') || key.includes('passwd')) return 'set the environment variable SMTP_PASSWORD instead';
  if (provider === 'twilio' || key === 'authtoken') return 'set the environment variable TWILIO_AUTH_TOKEN instead';
  if (provider === 'peloton' || key.includes('bearer')) return 'set the environment variable PELOTON_BEARER_TOKEN instead';
  if (key.includes('apikey') || provider === 'openai') return 'set the environment variable OPENAI_API_KEY instead';
  if (key.includes('secret')) {
    if (provider === 'oura') return 'set the environment variable OURA_CLIENT_SECRET instead';
    if (provider === 'strava') return 'set the environment variable STRAVA_CLIENT_SECRET instead';
    return 'set the environment variable OURA_CLIENT_SECRET or STRAVA_CLIENT_SECRET instead';
  }
  if (key.includes('token')) return connect(provider);
  return 'set it in an environment variable (see the README) instead';
}

const SECRET_VALUE_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{20,}/, // OpenAI keys
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./, // JSON web tokens
  /\bBearer\s+[A-Za-z0-9._~+/=-]{16,}/i,
  /\b[0-9a-f]{40}\b/i, // Strava access/refresh tokens are 40 hex digits
];

/** True when a piece of text looks like it contains an API key or access token. */
export function looksLikeSecretValue(text: string): boolean {
  return SECRET_VALUE_PATTERNS.some((re) => re.test(text));
}

/**
 * Reports and removes every secret-looking key of a document, and reports secret-looking text,
 * anywhere. A table left empty by the removal goes too (`[strava]` holding only a token is one
 * mistake, not two). Returns true when `value` is a table that only held secrets.
 */
export function removeSecrets(value: unknown, path: (string | number)[], problems: MissionProblems): boolean {
  if (Array.isArray(value)) {
    value.forEach((item, i) => removeSecrets(item, [...path, i], problems));
  } else if (isTable(value)) {
    let removed = false;
    for (const key of Object.keys(value)) {
      const here = [...path, key];
      if (isSecretKey(key)) {
        const keyNames = here.filter((seg): seg is string => typeof seg === 'string');
        problems.markSecret(here);
        problems.add(here, 'secret', `secrets and account ids do not belong in mission files (value not shown); ${whereSecretBelongs(keyNames)}`);
        delete value[key];
        removed = true;
      } else if (removeSecrets(value[key], here, problems)) {
        delete value[key];
        removed = true;
      }
    }
    return removed && Object.keys(value).length === 0;
  } else if (typeof value === 'string' && looksLikeSecretValue(value)) {
    problems.markSecret(path);
    problems.add(
      path,
      'secret',
      'this text looks like an API key or access token (value not shown); remove it: keys belong in environment variables such as OPENAI_API_KEY, account tokens in `lanterne connect`',
    );
  }
  return false;
}
