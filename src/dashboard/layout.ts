/**
 * The page frame and the small pages (sign-in, 401, 403, 404, 429, 500). Styles and scripts are
 * our own static files (src/dashboard/assets, uPlot from node_modules), loaded under the CSP nonce:
 * no inline style or script, so nothing in a page is ever parsed as CSS or code.
 */
import { html, type SafeHtml } from './html';

export interface PageFrame {
  /** The CSP nonces of this response (@fastify/helmet makes one for scripts, one for styles). */
  nonces: { script: string; style: string };
  /** CSRF token for the sign-out button; null when nobody is signed in with a session. */
  signOutCsrf: string | null;
  /** Load uPlot and the chart script. */
  charts?: boolean;
  /** Who is signed in (their scope, in words); null on the sign-in page. */
  who?: string | null;
}

export const ASSETS = '/assets';
export const UPLOT_ASSETS = '/assets/vendor/uplot';

export function page(title: string, frame: PageFrame, body: SafeHtml): string {
  const { script: sn, style: n } = frame.nonces;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="color-scheme" content="light">
<title>${title} · Lanterne</title>
${frame.charts ? html`<link rel="stylesheet" href="${UPLOT_ASSETS}/uPlot.min.css" nonce="${n}">` : null}
<link rel="stylesheet" href="${ASSETS}/dashboard.css" nonce="${n}">
<link rel="icon" href="${ASSETS}/favicon.svg" type="image/svg+xml">
${frame.charts ? html`<script src="${UPLOT_ASSETS}/uPlot.iife.min.js" nonce="${sn}" defer></script>` : null}
<script src="${ASSETS}/dashboard.js" nonce="${sn}" defer></script>
</head>
<body>
<header class="top">
<a class="brand" href="/missions"><span class="brand-mark" aria-hidden="true"></span>Lanterne</a>
<nav class="top-nav"><a href="/missions">Missions</a><a href="/coach" id="coach-link">Coach view</a></nav>
${frame.who ? html`<span class="who" id="signed-in-as">${frame.who}</span>` : null}
${frame.signOutCsrf ? html`<form class="sign-out" method="post" action="/sign-out"><input type="hidden" name="csrf" value="${frame.signOutCsrf}"><button type="submit" class="ghost" id="sign-out">Sign out</button></form>` : null}
</header>
<main>
${body}
</main>
</body>
</html>
`.value;
}

/** The CSP for every page: nothing external, scripts and styles only through the nonce. */
export function cspDirectives(): Record<string, string[]> {
  return {
    defaultSrc: ["'none'"],
    scriptSrc: [],
    styleSrc: [],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  };
}

export type SignInReason = 'missing' | 'wrong' | 'expired' | 'signed-out' | 'token-in-url';

const SIGN_IN_WHY: Record<SignInReason, string | null> = {
  missing: null,
  wrong: 'That is not the dashboard token.',
  expired: 'Your session has ended (it expired, you signed out, or the dashboard restarted). Sign in again.',
  'signed-out': 'You are signed out.',
  'token-in-url': 'The dashboard no longer takes its token in the address (addresses end up in history and logs). Paste it here instead.',
};

/** The sign-in form; `next` is where to go afterwards (a path of this dashboard). */
export function signInPage(frame: PageFrame, csrf: string, reason: SignInReason, next: string): string {
  const why = SIGN_IN_WHY[reason];
  return page(
    'Sign in',
    frame,
    html`<section class="card sign-in">
<h1>Sign in to Lanterne</h1>
${why ? html`<p class="${reason === 'wrong' ? 'errors' : 'notice'}" role="alert" id="sign-in-message">${why}</p>` : null}
<form id="sign-in" method="post" action="/sign-in">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="next" value="${next}">
<label>Dashboard token<input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button>
</form>
<p class="muted small">The token is the <code>DASHBOARD_TOKEN</code> you set, or the one <code>lanterne up</code> generated: it prints
the file that holds it; or a coach's or an athlete's token made with <code>lanterne token add</code> (it sees only their missions).
Programs can send it in an <code>Authorization: Bearer &lt;token&gt;</code> header instead.</p>
</section>`,
  );
}

export function messagePage(frame: PageFrame, title: string, message: string): string {
  return page(title, frame, html`<section class="card"><h1>${title}</h1><p>${message}</p><p><a href="/missions">All missions</a></p></section>`);
}
