/**
 * The failure converter of workers and clients (loaded by path, also inside the workflow sandbox:
 * @temporalio/common only). With `encodeCommonAttributes`, a failure's message and stack trace
 * travel in an encoded payload — encrypted by the payload codec — instead of in clear in the
 * history (an error text can name an athlete, an address or a figure); the history shows
 * "Encoded failure" and clients with the key read the real message.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
