import Fastify from 'fastify';
import proxy from '@fastify/http-proxy';
import { codecPlugin, type CodecPluginOptions } from './codec-plugin';

export interface CodecServerOptions extends CodecPluginOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /**
   * The Temporal UI to serve on the same origin (everything but /codec/* is passed to it). The
   * dev server's UI calls its codec endpoint without cross-origin credentials (its
   * `--ui-codec-endpoint` flag leaves `includeCredentials` off), so an endpoint on the UI's own
   * origin is what lets the browser's sign-in cookie reach the codec.
   */
  temporalUi?: string;
}

export interface RunningCodecServer {
  /** Base URL of the server (the Temporal UI's, when it serves one). */
  url: string;
  /** The codec endpoint to give the UI (`<url>/codec`). */
  endpoint: string;
  close(): Promise<void>;
}

/** A small server of the codec endpoint at /codec, optionally in front of the Temporal UI. */
export async function startCodecServer(opts: CodecServerOptions): Promise<RunningCodecServer> {
  const app = Fastify({ logger: false });
  await app.register(codecPlugin, { ...opts, prefix: '/codec' });
  if (opts.temporalUi) await app.register(proxy, { upstream: opts.temporalUi, websocket: false });
  await app.listen({ host: opts.host, port: opts.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${opts.host}:${port}`;
  return { url, endpoint: `${url}/codec`, close: () => app.close() };
}
