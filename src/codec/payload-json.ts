import type { Payload } from '@temporalio/common';

/**
 * A payload in the JSON form of Temporal's remote codec protocol (proto3 JSON of
 * temporal.api.common.v1.Payload): metadata values and data as base64.
 */
export interface PayloadJson {
  metadata?: Record<string, string>;
  data?: string;
  [other: string]: unknown;
}

/** JSON schema of a codec request body: `{ "payloads": [ { "metadata": { k: base64 }, "data": base64 } ] }`. */
export const CODEC_BODY_SCHEMA = {
  type: 'object',
  required: ['payloads'],
  properties: {
    payloads: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          metadata: { type: 'object', additionalProperties: { type: 'string', pattern: '^[A-Za-z0-9+/_-]*={0,2}$' } },
          data: { type: 'string', pattern: '^[A-Za-z0-9+/_-]*={0,2}$' },
        },
      },
    },
  },
} as const;

export function payloadFromJson(p: PayloadJson): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v, 'base64');
  return { metadata, data: Buffer.from(p.data ?? '', 'base64') };
}

export function payloadToJson(p: Payload): PayloadJson {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) if (v) metadata[k] = Buffer.from(v).toString('base64');
  return { metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') };
}
