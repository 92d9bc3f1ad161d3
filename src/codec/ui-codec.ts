import { EncryptionCodec, type PayloadKeyRing } from '../secrets';
import { startCodecServer, type RunningCodecServer } from './codec-server';

/**
 * The codec endpoint `up` gives the dev server's UI: a path on the UI's own origin (whatever host
 * name the browser used), so the browser sends that host's cookies with each call.
 */
export const UI_CODEC_ENDPOINT = '/codec';

/**
 * `up`'s Temporal UI: on the public UI port, the codec endpoint in front of the dev server's UI
 * (which listens on an internal port). A browser signed in to the dashboard (its session cookie)
 * sees decoded payloads; any other sees ciphertext and the UI's "Codec Server could not connect".
 */
export function startUiCodecServer(opts: {
  port: number;
  devUiUrl: string;
  keys: PayloadKeyRing;
  namespace: string;
  /** Whether a codec call is authorised: the dashboard's sign-in (its session cookie) or its token as Bearer. */
  authorize: (headers: { authorization?: string; cookie?: string }) => boolean;
}): Promise<RunningCodecServer> {
  return startCodecServer({
    host: '127.0.0.1',
    port: opts.port,
    temporalUi: opts.devUiUrl,
    codec: new EncryptionCodec(opts.keys),
    authorize: (request) => opts.authorize({ authorization: request.headers.authorization, cookie: request.headers.cookie }),
    allowedOrigins: [`http://127.0.0.1:${opts.port}`, `http://localhost:${opts.port}`],
    namespaces: [opts.namespace],
    signInHint: 'sign in to the Lanterne dashboard (its /sign-in page) in this browser to see decoded payloads',
  });
}
