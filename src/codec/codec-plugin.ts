import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import type { PayloadCodec } from '@temporalio/common';
import { CODEC_BODY_SCHEMA, payloadFromJson, payloadToJson, type PayloadJson } from './payload-json';

export interface CodecPluginOptions {
  /** The codec the worker uses (EncryptionCodec with the worker's key ring). */
  codec: PayloadCodec;
  /**
   * Whether the request may use the codec (e.g. the dashboard's sign-in session, or a Bearer
   * token). Called for every encode/decode before its body is read, never for a CORS preflight.
   */
  authorize(request: FastifyRequest): boolean | Promise<boolean>;
  /** Origins that may call it from a browser, with credentials (the Temporal UI's). */
  allowedOrigins: readonly string[];
  /** When given, a request whose X-Namespace names another namespace is refused (403). */
  namespaces?: readonly string[];
  /** What a refused (401) caller should do, in a sentence. */
  signInHint?: string;
}

/** Bodies of a history page's payloads can be large; Temporal's own limit per payload is 2 MiB. */
const BODY_LIMIT = 16 * 1024 * 1024;

/**
 * Temporal's remote codec protocol for the Temporal UI (and `temporal --codec-endpoint`):
 * `POST <prefix>/decode` and `POST <prefix>/encode`, each taking and answering
 * `{ "payloads": [ { "metadata": { k: base64 }, "data": base64 } ] }`, with the namespace in the
 * `X-Namespace` header. CORS for the UI's origins (preflight included, credentials allowed), and
 * authorisation on every call. Encapsulated: register it with a prefix, e.g.
 * `app.register(codecPlugin, { prefix: '/codec', … })`; its CORS applies to its routes only.
 */
export const codecPlugin: FastifyPluginAsync<CodecPluginOptions> = async (app: FastifyInstance, opts: CodecPluginOptions) => {
  await app.register(cors, {
    origin: [...opts.allowedOrigins],
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization', 'authorization-extras'],
    maxAge: 600,
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const message = err.validation ? `the body must be { "payloads": [ { "metadata": { key: base64 }, "data": base64 } ] }: ${err.message}` : err.message;
    void reply.code(status).send({ error: status === 500 ? 'Internal Server Error' : 'Bad Request', message: status === 500 ? 'the codec failed' : message });
  });

  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!(await opts.authorize(request))) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="lanterne-codec"')
        .send({ error: 'Unauthorized', message: opts.signInHint ?? 'authorisation required' });
    }
    const namespace = request.headers['x-namespace'];
    if (opts.namespaces && typeof namespace === 'string' && !opts.namespaces.includes(namespace)) {
      return reply.code(403).send({ error: 'Forbidden', message: `this codec serves namespace ${opts.namespaces.join(', ')}, not ${namespace}` });
    }
  };

  for (const direction of ['decode', 'encode'] as const) {
    app.post<{ Body: { payloads: PayloadJson[] } }>(
      `/${direction}`,
      { schema: { body: CODEC_BODY_SCHEMA }, bodyLimit: BODY_LIMIT, onRequest: guard },
      async (request, reply) => {
        const payloads = request.body.payloads.map(payloadFromJson);
        let out;
        try {
          out = await opts.codec[direction](payloads);
        } catch (err) {
          return reply.code(400).send({ error: 'Bad Request', message: (err as Error).message });
        }
        return { payloads: out.map(payloadToJson) };
      },
    );
  }
};
