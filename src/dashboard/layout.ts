/** The page frame (inline CSS under a CSP nonce) and the small pages: 401, 403, 404, 500. */
import { html, type SafeHtml } from './html';

const CSS = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;background:#f5f6f8}
body{margin:0}
header.top{background:#1d2a3a;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:baseline}
header.top a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:1100px;margin:0 auto;padding:1rem 1.2rem 3rem}
h1{font-size:1.5rem;margin:.6rem 0}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #d5d9e0;padding-bottom:.2rem}
section.card{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:.8rem 1rem;margin:.8rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem;background:#fff}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e6e9ee;vertical-align:top}
th{background:#eef1f5;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#5d6675}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:4px;font-size:.85rem;background:#e6ebf2}
.state-ready{background:#d8f0de}.state-caution{background:#fbefd0}.state-strained{background:#f8dccf}.state-sick{background:#f3c9c9}
.notice{border-left:4px solid #c98a14;background:#fff8e6;padding:.5rem .8rem;margin:.8rem 0}
.flash{border-left:4px solid #2c8a4b;background:#e9f7ee;padding:.5rem .8rem;margin:.8rem 0}
.errors{border-left:4px solid #b3261e;background:#fdecea;padding:.5rem .8rem;margin:.5rem 0}
.errors ul{margin:.2rem 0;padding-left:1.2rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:.8rem}
.charts svg{width:100%;height:auto;border:1px solid #dde1e7;border-radius:6px}
form.panel{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.6rem .9rem;align-items:end}
form.panel label{display:flex;flex-direction:column;font-size:.85rem;gap:.2rem}
form.panel .wide{grid-column:1/-1}
form.panel fieldset{border:1px solid #dde1e7;border-radius:4px;font-size:.85rem}
input,select,textarea{font:inherit;padding:.25rem .35rem;border:1px solid #b9c0cb;border-radius:4px}
button{font:inherit;padding:.4rem .9rem;border:0;border-radius:4px;background:#1d5fa8;color:#fff;cursor:pointer}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:.8rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}
dl.facts dt{color:#5d6675}
dl.facts dd{margin:0}
`;

export function page(title: string, nonce: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · Lanterne</title>
<style nonce="${nonce}">${CSS}</style>
</head>
<body>
<header class="top"><a href="/missions">Lanterne</a><span>training dashboard</span></header>
<main>
${body}
</main>
</body>
</html>
`.value;
}

/** The CSP for every page: nothing external, no scripts, styles only through the nonce. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function unauthorizedPage(nonce: string, reason: 'missing' | 'wrong'): string {
  return page(
    'Sign in needed',
    nonce,
    html`<h1>Sign in needed</h1>
<p>${reason === 'wrong' ? 'The dashboard token you sent is not the right one.' : 'This dashboard needs its access token.'}</p>
<p>Open the dashboard address that <code>lanterne up</code> printed: it ends in <code>?token=…</code>, and the
browser keeps you signed in afterwards. Programs can send the token in an
<code>Authorization: Bearer &lt;token&gt;</code> header instead.</p>`,
  );
}

export function messagePage(nonce: string, title: string, message: string): string {
  return page(title, nonce, html`<h1>${title}</h1><p>${message}</p><p><a href="/missions">All missions</a></p>`);
}
