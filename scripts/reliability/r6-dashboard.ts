/**
 * R6 — the dashboard, as `lanterne up` serves it (src/cli/dashboard-launch.ts), over two athletes
 * who ride the same mission (one mission id, two workflows) on the real worker. The trial crawls
 * every page and form a signed-in user can reach, then checks:
 * - without a token, every page and form answers 401 (a wrong Bearer too);
 * - guessing ids crosses no athlete: every address with the other athlete's handle, a day of the
 *   other's block, an unknown mission or a made-up handle answers 404, and no page shows the other
 *   athlete's marker;
 * - every form refuses a post without its CSRF token, with a wrong one, and from another Origin (or
 *   none), and the mission and the database are unchanged after each; a form posted properly
 *   reaches the athlete's own workflow, not the other's;
 * - a reflection note carrying HTML and script is shown as text in a real browser (Chromium): no
 *   element made from it, no script run;
 * - guessing the token is slowed: sign-in answers 429 once the limit is reached;
 * - every answer (pages, errors, 401s) carries the security headers.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { localDate } from '../../src/domain/schedule';
import { addDays } from '../../src/domain/iso-date';
import { launchDashboard } from '../../src/cli/dashboard-launch';
import { reflectSignal, statusQuery } from '../../src/shared/mission-api';
import { zoneAtLocalNoon } from '../../tests/support/mission-client';
import { startSmtpSink } from '../../tests/support/smtp-sink';
import { launchBrowser } from '../../tests/support/browser';
import { startBlock, waitForBlock, type Block } from './block';
import { startRig, waitFor, type Rig } from './rig';
import { progress, type TrialReport } from './figures';

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

interface FoundForm {
  page: string;
  id: string;
  action: string;
  fields: Record<string, string>;
}

const HEADERS: [string, (v: string | null) => boolean][] = [
  ['content-security-policy', (v) => v !== null && /default-src 'none'/.test(v) && !/unsafe-inline/.test(v) && /frame-ancestors 'none'/.test(v)],
  ['x-frame-options', (v) => v === 'DENY'],
  ['x-content-type-options', (v) => v === 'nosniff'],
  ['referrer-policy', (v) => v === 'same-origin'],
  ['cache-control', (v) => v !== null && /no-store/.test(v)],
];

function formsIn(page: string, body: string): FoundForm[] {
  const forms: FoundForm[] = [];
  for (const m of body.matchAll(/<form\b([^>]*)>([^]*?)<\/form>/g)) {
    const attrs = m[1]!;
    if (!/method="post"/i.test(attrs)) continue;
    const fields: Record<string, string> = {};
    for (const i of m[2]!.matchAll(/<input\b[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(i[0])?.[1];
      if (name && /type="hidden"/.test(i[0])) fields[name] = /value="([^"]*)"/.exec(i[0])?.[1] ?? '';
    }
    forms.push({ page, id: /id="([^"]+)"/.exec(attrs)?.[1] ?? /class="([^"]+)"/.exec(attrs)?.[1] ?? '?', action: /action="([^"]+)"/.exec(attrs)![1]!, fields });
  }
  return forms;
}

export async function runDashboardChecks(): Promise<TrialReport> {
  const log = progress('R6');
  const started = Date.now();
  const hex = randomBytes(4).toString('hex');
  const zone = zoneAtLocalNoon(Date.now());
  const today = localDate(Date.now(), zone);
  const token = `r6-dashboard-token-${randomBytes(12).toString('hex')}`;
  const rig: Rig = await startRig('r6');
  const smtp = await startSmtpSink();
  const env = { LANTERNE_DATA_SOURCE: 'synthetic', SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', SMTP_FROM: 'coach@lanterne.test', NOTIFY_EMAIL_TO: 'rider@lanterne.test' };
  const problems: string[] = [];
  const counts = { unauthenticated: 0, unauthenticatedServed: 0, guesses: 0, crossAthlete: 0, formChecks: 0, formsUnguarded: 0, stateChanged: 0, misrouted: 0, xss: 0, guessesAllowed: 0, signInLimit: 0, answers: 0, missingHeaders: 0 };
  const xssNote = `"><img src=x data-r6="${hex}" onerror="window.__r6xss=1"><script>window.__r6xss=2</script> legs heavy`;
  const markers = { alice: `alice-marker-${hex}`, bob: `bob-marker-${hex}` };
  let dash: Awaited<ReturnType<typeof launchDashboard>> | null = null;
  try {
    const worker = rig.startWorker({ name: 'r6', env });
    await worker.ready;
    // Two athletes ride the same mission (the README's "two athletes can ride the same mission file").
    const blocks: Record<'alice' | 'bob', Block> = {
      alice: await startBlock(rig, { athlete: `r6-alice-${hex}`, missionId: 'r6-block', name: 'R6 alice', pastDays: 1, futureDays: 3, timeZone: zone }),
      bob: await startBlock(rig, { athlete: `r6-bob-${hex}`, missionId: 'r6-block', name: 'R6 bob', pastDays: 2, futureDays: 2, timeZone: zone }),
    };
    await Promise.all(Object.values(blocks).map((b) => waitForBlock(b, 4 * 60_000)));
    await blocks.alice.handle.signal(reflectSignal, { date: blocks.alice.dueDates[0]!, rpe: 6, legs: 3, mood: 3, sleepQuality: 3, completed: 'yes', note: `${xssNote} ${markers.alice}` });
    await blocks.bob.handle.signal(reflectSignal, { date: blocks.bob.dueDates[0]!, rpe: 5, legs: 2, mood: 4, sleepQuality: 4, completed: 'yes', note: markers.bob });
    await waitFor('both reflections recorded', async () => (await rig.pool.query('select count(*)::int as n from reflections')).rows[0].n === 2, 60_000);

    process.env.DASHBOARD_PORT = '0';
    dash = await launchDashboard({ memory: rig.memory, client: rig.client, token, temporalUiUrl: null, namespace: 'default' });
    const base = dash.url;
    const origin = new URL(base).origin;
    /** One request; a form post that meets the form rate limit (60 a minute) waits for the window and goes again. */
    const request = async (method: string, path: string, o: { headers?: Record<string, string>; body?: string; waitOut429?: boolean } = {}): Promise<Answer> => {
      let r = await fetch(`${base}${path}`, { method, headers: o.headers, body: o.body, redirect: 'manual' });
      while (r.status === 429 && (o.waitOut429 ?? method === 'POST')) {
        await r.text();
        const wait = Number(r.headers.get('retry-after') ?? '60');
        log(`${method} ${path}: form rate limit reached, waiting ${wait} s`);
        await new Promise((res) => setTimeout(res, (wait + 1) * 1000));
        r = await fetch(`${base}${path}`, { method, headers: o.headers, body: o.body, redirect: 'manual' });
      }
      const answer = { status: r.status, headers: r.headers, body: await r.text() };
      counts.answers += 1;
      const missing = HEADERS.filter(([h, ok]) => !ok(r.headers.get(h))).map(([h]) => h);
      if (missing.length) {
        counts.missingHeaders += 1;
        problems.push(`${method} ${path} (${r.status}) lacks ${missing.join(', ')}`);
      }
      return answer;
    };
    const bearer = { authorization: `Bearer ${token}` };

    // Crawl what a signed-in user reaches.
    const pages = new Map<string, string>();
    const queue = ['/missions'];
    while (queue.length && pages.size < 300) {
      const p = queue.shift()!;
      if (pages.has(p)) continue;
      const a = await request('GET', p, { headers: bearer });
      if (a.status !== 200) {
        problems.push(`signed in, GET ${p} answered ${a.status}`);
        continue;
      }
      pages.set(p, a.body);
      for (const m of a.body.matchAll(/href="(\/[^"#?]*)/g)) if (!m[1]!.startsWith('/assets') && !pages.has(m[1]!)) queue.push(m[1]!);
    }
    // Every kind of form once (each athlete's page has the same ones; the routing check below posts on both).
    const allForms = [...pages].flatMap(([p, body]) => formsIn(p, body));
    const forms = allForms.filter((f, i) => allForms.findIndex((g) => g.id === f.id) === i);
    const missionPages = [...pages.keys()].filter((p) => p.startsWith('/missions/'));
    log(`crawled ${pages.size} pages (${missionPages.length} of missions) and ${forms.length} forms`);
    if (!missionPages.some((p) => p.includes(blocks.alice.spec.athlete)) || !missionPages.some((p) => p.includes(blocks.bob.spec.athlete))) problems.push('the crawl did not reach both athletes');

    // 1. No token, or a wrong one: 401 everywhere.
    for (const p of [...pages.keys(), '/status.json'.replace(/^/, missionPages.find((x) => /^\/missions\/[^/]+\/[^/]+$/.test(x)) ?? '')]) {
      const credentials: Record<string, string>[] = [{}, { authorization: `Bearer ${token}x` }, { cookie: 'lanterne_session=guessed' }];
      for (const headers of credentials) {
        counts.unauthenticated += 1;
        const a = await request('GET', p, { headers });
        if (a.status !== 401) {
          counts.unauthenticatedServed += 1;
          problems.push(`GET ${p} without a valid token answered ${a.status}`);
        }
      }
    }
    for (const f of forms.filter((x) => x.action !== '/sign-in')) {
      // The sign-in form itself is public: it is where the token is given.
      counts.unauthenticated += 1;
      const a = await request('POST', f.action, { headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: new URLSearchParams(f.fields).toString() });
      if (a.status !== 401) {
        counts.unauthenticatedServed += 1;
        problems.push(`POST ${f.action} without a token answered ${a.status}`);
      }
    }

    // 2. Id guessing across athletes.
    const who = (b: Block) => b.spec.athlete;
    const guesses: string[] = [];
    for (const p of missionPages) {
      const mine = p.includes(`/${who(blocks.alice)}/`) ? blocks.alice : blocks.bob;
      const other = mine === blocks.alice ? blocks.bob : blocks.alice;
      guesses.push(p.replace(`/missions/${who(mine)}/`, `/missions/${who(mine)}x/`), p.replace(`/missions/${who(mine)}/${mine.mission.id}`, `/missions/${who(mine)}/no-such-mission`));
      if (p.includes('/days/')) {
        // A day only the other athlete's block has, under this athlete.
        const otherOnly = other.mission.days.map((d) => d.date).find((d) => !mine.mission.days.some((x) => x.date === d));
        if (otherOnly) guesses.push(p.replace(/\/days\/[^/]+$/, `/days/${otherOnly}`));
      }
      const body = pages.get(p)!;
      if (body.includes(other === blocks.alice ? markers.alice : markers.bob)) {
        counts.crossAthlete += 1;
        problems.push(`${p} shows the other athlete's marker`);
      }
    }
    guesses.push(`/missions/${who(blocks.alice)}/r6-block/days/${addDays(today, 40)}`, `/missions/admin/r6-block`, `/missions/${blocks.alice.athleteId}/r6-block`, `/missions/${who(blocks.alice)}%2F..%2F${who(blocks.bob)}/r6-block`);
    for (const g of guesses) {
      counts.guesses += 1;
      const a = await request('GET', g, { headers: bearer });
      if (a.status !== 404 || a.body.includes(markers.alice) || a.body.includes(markers.bob)) {
        counts.crossAthlete += 1;
        problems.push(`GET ${g} answered ${a.status}${a.body.includes('marker-') ? ' with a marker' : ''}`);
      }
    }

    // 3. CSRF and Origin on every form, in a signed-in browser session (cookie).
    const signInPage = await request('GET', '/sign-in');
    let cookie = (signInPage.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    const signInCsrf = /name="csrf" value="([^"]+)"/.exec(signInPage.body)?.[1] ?? '';
    const signedIn = await request('POST', '/sign-in', { headers: { 'content-type': 'application/x-www-form-urlencoded', origin, cookie }, body: new URLSearchParams({ csrf: signInCsrf, token, next: '/missions' }).toString() });
    cookie = [cookie, ...(signedIn.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0])].join('; ');
    if (signedIn.status !== 303) problems.push(`sign-in with the token answered ${signedIn.status}`);
    const snapshot = async () => {
      const rows = await rig.pool.query(`select (select count(*) from overrides)::int as o, (select count(*) from reflections)::int as r, (select string_agg(config_hash, ',' order by athlete) from missions)::text as h`);
      const statuses = await Promise.all(Object.values(blocks).map((b) => b.handle.query(statusQuery)));
      return JSON.stringify([rows.rows[0], statuses.map((s) => [s.ftpW, s.paused, s.configHash, s.reflections.length, s.channels, s.runTime])]);
    };
    // A browser session also has the sign-out form (a Bearer client has no session to end).
    const sessionPage = missionPages[0]!;
    for (const f of formsIn(sessionPage, (await request('GET', sessionPage, { headers: { cookie } })).body)) if (!forms.some((g) => g.id === f.id)) forms.push(f);
    if (!forms.some((f) => f.action === '/sign-out')) problems.push('a signed-in page has no sign-out form');
    const signInForm: FoundForm = { page: '/sign-in', id: 'sign-in', action: '/sign-in', fields: { csrf: signInCsrf, token, next: '/missions' } };
    for (const f of [...forms.filter((x) => x.action !== '/sign-in'), signInForm]) {
      const page = await request('GET', f.page, { headers: { cookie } });
      const fresh = f.action === '/sign-in' ? f : (formsIn(f.page, page.body).find((x) => x.id === f.id && x.action === f.action) ?? f);
      const before = await snapshot();
      const attempts: [string, Record<string, string>, Record<string, string>][] = [
        ['no CSRF token', { ...fresh.fields, csrf: '' }, { origin }],
        ['a wrong CSRF token', { ...fresh.fields, csrf: `${fresh.fields.csrf}x` }, { origin }],
        ['another Origin', fresh.fields, { origin: 'http://evil.example' }],
        ['no Origin', fresh.fields, {}],
      ];
      for (const [what, fields, extra] of attempts) {
        counts.formChecks += 1;
        const a = await request('POST', f.action, { headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...extra }, body: new URLSearchParams(fields).toString() });
        if (a.status !== 403) {
          counts.formsUnguarded += 1;
          problems.push(`form ${f.id} (${f.action}) with ${what} answered ${a.status}`);
        }
      }
      // Nothing changed: the missions, the rows, and the session (a refused sign-out keeps it).
      const still = await request('GET', '/missions', { headers: { cookie } });
      if ((await snapshot()) !== before || still.status !== 200) {
        counts.stateChanged += 1;
        problems.push(`refused posts to form ${f.id} changed the mission, the database or the session`);
      }
    }

    // A proper post reaches the athlete's own workflow, not the other one riding the same mission.
    for (const [name, b] of Object.entries(blocks) as ['alice' | 'bob', Block][]) {
      const other = b === blocks.alice ? blocks.bob : blocks.alice;
      const path = `/missions/${b.spec.athlete}/${b.mission.id}`;
      const page = await request('GET', path, { headers: { cookie } });
      const form = formsIn(path, page.body).find((x) => x.id === 'override-set-ftp');
      if (!form) {
        counts.misrouted += 1;
        problems.push(`${name}'s page has no set-ftp form`);
        continue;
      }
      const ftp = name === 'alice' ? '261' : '262';
      const a = await request('POST', form.action, { headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin }, body: new URLSearchParams({ ...form.fields, ftpW: ftp }).toString() });
      const [mine, theirs] = await Promise.all([b.handle.query(statusQuery), other.handle.query(statusQuery)]);
      if (a.status !== 303 || mine.ftpW !== Number(ftp) || theirs.ftpW === Number(ftp)) {
        counts.misrouted += 1;
        problems.push(`set-ftp ${ftp} on ${name}'s page answered ${a.status}: ${name}'s FTP is ${mine.ftpW}, the other's ${theirs.ftpW}${a.status >= 400 ? ` (${/<p[^>]*>([^<]*)/.exec(a.body)?.[1] ?? ''})` : ''}`);
      }
    }

    // 4. The XSS note in a real browser, signed in through the sign-in form.
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const tab = await context.newPage();
      const dialogs: string[] = [];
      tab.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await tab.goto(`${base}/sign-in`);
      await tab.fill('input[name="token"]', token);
      await Promise.all([tab.waitForURL(/\/missions$/), tab.click('#sign-in button[type="submit"], #sign-in button')]);
      const alicePages = missionPages.filter((p) => p.includes(`/${who(blocks.alice)}/`));
      for (const p of alicePages) {
        await tab.goto(`${base}${p}`);
        // Run in the page (browser globals, not Node's): the flag the note's script would set, the elements its markup would make.
        const seen = (await tab.evaluate(`({ ran: window.__r6xss ?? null, injected: document.querySelectorAll('[data-r6="${hex}"]').length })`)) as { ran: number | null; injected: number };
        const text = (await tab.evaluate('document.body.innerText')) as string;
        if (seen.ran !== null || seen.injected > 0) {
          counts.xss += 1;
          problems.push(`${p}: the note became markup (script ran: ${seen.ran}, elements: ${seen.injected})`);
        }
        if (p === `/missions/${who(blocks.alice)}/${blocks.alice.mission.id}` && !text.includes('onerror="window.__r6xss=1"')) problems.push(`${p}: the note is not shown as text`);
      }
      if (dialogs.length) {
        counts.xss += 1;
        problems.push(`dialogs opened: ${dialogs.join(', ')}`);
      }
    } finally {
      await browser.close();
    }

    // 5. Token guessing: the sign-in limit (10 a minute per address) answers 429.
    const fresh = await request('GET', '/sign-in');
    const guessCookie = (fresh.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    const guessCsrf = /name="csrf" value="([^"]+)"/.exec(fresh.body)?.[1] ?? '';
    let refusedAt = 0;
    for (let i = 1; i <= 30; i++) {
      const a = await request('POST', '/sign-in', { waitOut429: false, headers: { 'content-type': 'application/x-www-form-urlencoded', origin, cookie: guessCookie }, body: new URLSearchParams({ csrf: guessCsrf, token: `guess-${i}-${randomBytes(8).toString('hex')}` }).toString() });
      if (a.status === 429) {
        refusedAt = i;
        break;
      }
    }
    // Earlier sign-ins of this trial count against the same minute.
    counts.signInLimit = refusedAt;
    counts.guessesAllowed = refusedAt === 0 ? 30 : Math.max(0, refusedAt - 1 - 10);
    if (refusedAt === 0) problems.push('30 wrong tokens in a row were all answered (no 429)');

    // Host header (DNS rebinding) and a method the dashboard does not use, for the headers on errors too.
    // fetch() will not send another Host header: node:http does.
    const rebind = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/missions`, { headers: { ...bearer, host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    counts.answers += 1;
    if (rebind !== 421) problems.push(`a foreign Host header (DNS rebinding) answered ${rebind}`);
    await request('PUT', '/missions', { headers: bearer });
    await worker.kill('SIGTERM');
  } finally {
    await dash?.close();
    delete process.env.DASHBOARD_PORT;
    await rig.close();
    await smtp.close();
  }
  log(`401 checks ${counts.unauthenticated} (${counts.unauthenticatedServed} served), id guesses ${counts.guesses} (${counts.crossAthlete} crossed), form checks ${counts.formChecks} (${counts.formsUnguarded} accepted, ${counts.stateChanged} changed state, ${counts.misrouted} misrouted), XSS ${counts.xss}, sign-in 429 at attempt ${counts.signInLimit}, answers ${counts.answers} (${counts.missingHeaders} without the headers)`);
  for (const p of problems.slice(0, 30)) log(`  ${p}`);
  return {
    id: 'R6',
    title: 'dashboard',
    trials: counts.unauthenticated + counts.guesses + counts.formChecks + 2,
    unit: 'checks',
    figures: [
      { label: 'served without a token', value: counts.unauthenticatedServed, of: counts.unauthenticated, max: 0 },
      { label: 'cross-athlete reads', value: counts.crossAthlete, of: counts.guesses, max: 0 },
      { label: 'forms without CSRF/Origin check', value: counts.formsUnguarded + counts.stateChanged, of: counts.formChecks, max: 0 },
      { label: 'posts reaching the wrong mission', value: counts.misrouted, max: 0 },
      { label: 'XSS rendered', value: counts.xss, max: 0 },
      { label: 'token guesses beyond the limit', value: counts.guessesAllowed, max: 0 },
      { label: 'answers without security headers', value: counts.missingHeaders, of: counts.answers, max: 0 },
    ],
    settings: `dashboard as \`lanterne up\` launches it, two athletes on one mission id; sign-in answered 429 at attempt ${counts.signInLimit}; CSP/X-Frame-Options/nosniff/Referrer-Policy/no-store checked on every answer`,
    details: { counts, problems },
    notes: problems,
    durationS: (Date.now() - started) / 1000,
  };
}
