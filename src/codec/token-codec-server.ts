/**
 * The codec server on its own (`lanterne codec-server`, docker-compose's `lanterne-codec`
 * service): Temporal's remote codec protocol at /codec, for a Temporal UI on another origin, and
 * it decodes only for the holder of its token — as `Authorization: Bearer <token>` (scripts,
 * `temporal --codec-endpoint … --codec-auth "Bearer <token>"`), or for a browser that signed in on
 * its own /sign-in page with that token (a random session id in an HttpOnly, SameSite=Strict
 * cookie; never the token). The Temporal UI configured with `TEMPORAL_CODEC_INCLUDE_CREDENTIALS`
 * sends that cookie with its codec calls when it is served from the same site (e.g. both on
 * `localhost`, other ports).
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { EncryptionCodec, type PayloadKeyRing } from '../secrets';
import { headersAuthorizer, MIN_TOKEN_LENGTH, secretsEqual } from '../dashboard/auth';
import { SessionStore } from '../dashboard/sessions';
import { originAllowed } from '../dashboard/hosts';
import { escapeText } from '../dashboard/html';
import { codecPlugin } from './codec-plugin';
import type { RunningCodecServer } from './codec-server';

export interface TokenCodecServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** The only credential that decodes (at least 16 characters). */
  token: string;
  keys: PayloadKeyRing;
  /** The Temporal UI origins whose pages may call it (CORS, with credentials). */
  uiOrigins: readonly string[];
  namespace: string;
  /** Sign-in attempts per client address and minute; default 10. */
  signInsPerMinute?: number;
}

/** The sign-in cookie's name: it carries the port, since browsers share a host's cookies between its ports. */
export function codecCookieName(port: number): string {
  return `lanterne_codec_${port}`;
}

export async function startTokenCodecServer(opts: TokenCodecServerOptions): Promise<RunningCodecServer & { signInUrl: string }> {
  if (typeof opts.token !== 'string' || opts.token.length < MIN_TOKEN_LENGTH) throw new Error(`the codec server's token must be at least ${MIN_TOKEN_LENGTH} characters`);
  const sessions = new SessionStore();
  const app = Fastify({ logger: false, return503OnClosing: true });
  // The cookie name needs the port before listening: bind first when the port is "any".
  const port = opts.port;
  let cookieName = codecCookieName(port);
  const authorize = (request: FastifyRequest) => headersAuthorizer(opts.token, sessions, cookieName)({ authorization: request.headers.authorization, cookie: request.headers.cookie });

  await app.register(codecPlugin, {
    prefix: '/codec',
    codec: new EncryptionCodec(opts.keys),
    authorize,
    allowedOrigins: opts.uiOrigins,
    namespaces: [opts.namespace],
    signInHint: 'sign in on this codec server’s /sign-in page with its token, or send Authorization: Bearer <token>',
  });

  // The sign-in pages, in their own context: security headers and form bodies apply to them only.
  await app.register(async (pages) => {
    await pages.register(fastifyHelmet, {
      enableCSPNonces: false,
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"] } },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'same-origin' },
      hsts: false,
    });
    await pages.register(fastifyCookie);
    await pages.register(fastifyFormbody, { bodyLimit: 4096 });
    await pages.register(fastifyRateLimit, { global: false });
    pages.addHook('onSend', async (_req, reply) => {
      reply.header('cache-control', 'no-store');
    });
    const send = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);
    const sameOrigin = (req: FastifyRequest) => originAllowed(req.headers.origin, req.headers.host, false);

    pages.get('/healthz', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));

    pages.get('/sign-in', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const signedIn = authorize(req);
      return send(reply, 200, signInPage(signedIn ? 'signed-in' : q.signed_out !== undefined ? 'signed-out' : 'form', opts.uiOrigins));
    });

    pages.post('/sign-in', { config: { rateLimit: { max: opts.signInsPerMinute ?? 10, timeWindow: 60_000 } } }, async (req, reply) => {
      if (!sameOrigin(req)) return send(reply, 403, signInPage('cross-site', opts.uiOrigins));
      const typed = (req.body as Record<string, unknown> | undefined)?.token;
      if (typeof typed !== 'string' || typed.trim() === '' || !secretsEqual(typed.trim(), opts.token)) return send(reply, 401, signInPage('wrong', opts.uiOrigins));
      const { id } = sessions.create();
      reply.setCookie(cookieName, id, { path: '/', httpOnly: true, sameSite: 'strict', maxAge: Math.floor(sessions.maxMs / 1000) });
      return reply.redirect('/sign-in', 303);
    });

    pages.post('/sign-out', async (req, reply) => {
      if (!sameOrigin(req)) return send(reply, 403, signInPage('cross-site', opts.uiOrigins));
      const id = req.cookies[cookieName];
      if (id) sessions.end(id);
      reply.clearCookie(cookieName, { path: '/' });
      return reply.redirect('/sign-in?signed_out=1', 303);
    });
  });

  await app.listen({ host: opts.host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  cookieName = codecCookieName(bound);
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${bound}`;
  return { url, endpoint: `${url}/codec`, signInUrl: `${url}/sign-in`, close: () => app.close() };
}

type PageState = 'form' | 'signed-in' | 'signed-out' | 'wrong' | 'cross-site';

const MESSAGES: Record<PageState, string | null> = {
  form: null,
  'signed-in': 'Signed in: this browser’s Temporal UI now shows decoded payloads.',
  'signed-out': 'Signed out: the Temporal UI shows ciphertext again.',
  wrong: 'That is not the codec server’s token.',
  'cross-site': 'Refused: the form was not sent from this page.',
};

/** The sign-in page: plain HTML, no script, no style (the CSP allows neither). */
function signInPage(state: PageState, uiOrigins: readonly string[]): string {
  const message = MESSAGES[state];
  const ui = uiOrigins.map((o) => `<a href="${escapeText(o)}">${escapeText(o)}</a>`).join(', ');
  const form =
    state === 'signed-in'
      ? `<form id="sign-out" method="post" action="/sign-out"><button type="submit">Sign out</button></form>`
      : `<form id="sign-in" method="post" action="/sign-in"><label>Codec token <input type="password" name="token" autocomplete="current-password" required autofocus></label> <button type="submit">Sign in</button></form>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="same-origin"><title>Lanterne codec server</title></head>
<body>
<h1>Lanterne codec server</h1>
${message ? `<p role="alert" id="message">${escapeText(message)}</p>` : ''}
${form}
<p>It decodes Lanterne's encrypted Temporal payloads for the Temporal UI (${ui || 'no UI origin configured'}), only for a browser signed in here with its token (<code>LANTERNE_CODEC_TOKEN</code>), or a program sending <code>Authorization: Bearer &lt;token&gt;</code>.</p>
</body></html>
`;
}
