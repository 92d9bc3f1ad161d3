/**
 * A local HTTP server that speaks the OpenAI chat-completions API (POST /v1/chat/completions)
 * well enough for the official `openai` SDK: tests script each answer (content, refusal, HTTP
 * error, delay) and read back the request bodies the SDK sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The raw request body as sent on the wire. */
  raw: string;
  body: unknown;
}

export interface FakeAnswer {
  /** HTTP status; 200 by default. */
  status?: number;
  /** Full JSON body to send instead of a built chat completion. */
  body?: unknown;
  /** Assistant message content (a JSON string for structured output). */
  content?: string | null;
  refusal?: string | null;
  finishReason?: 'stop' | 'length' | 'content_filter';
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** Wait this long before answering (to provoke client timeouts). */
  delayMs?: number;
}

export type FakeHandler = (req: RecordedRequest, n: number) => FakeAnswer;

export interface FakeOpenAiServer {
  /** Base URL for the SDK's `baseURL` option, ending in /v1. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replace how the next requests are answered. */
  setHandler(handler: FakeHandler): void;
  close(): Promise<void>;
}

export const DEFAULT_USAGE = { prompt_tokens: 412, completion_tokens: 236, total_tokens: 648 };

export function chatCompletionBody(answer: FakeAnswer, model: string): unknown {
  return {
    id: 'chatcmpl-fake-1',
    object: 'chat.completion',
    created: 1_752_480_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answer.content ?? null, refusal: answer.refusal ?? null },
        logprobs: null,
        finish_reason: answer.finishReason ?? 'stop',
      },
    ],
    usage: answer.usage ?? DEFAULT_USAGE,
  };
}

export async function startFakeOpenAiServer(initial?: FakeHandler): Promise<FakeOpenAiServer> {
  let handler: FakeHandler = initial ?? (() => ({ status: 500, body: { error: { message: 'no answer scripted' } } }));
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = raw;
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body };
      requests.push(recorded);
      if (req.method !== 'POST' || !(req.url ?? '').endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } }));
        return;
      }
      if (req.headers.authorization?.startsWith('Bearer ') !== true) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'missing bearer key', type: 'invalid_request_error' } }));
        return;
      }
      const answer = handler(recorded, requests.length);
      const model = (body as { model?: string } | null)?.model ?? 'fake-model';
      const send = (): void => {
        if (res.destroyed) return;
        const status = answer.status ?? 200;
        const payload = answer.body ?? (status === 200 ? chatCompletionBody(answer, model) : { error: { message: `status ${status}`, type: 'server_error' } });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (answer.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, answer.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    setHandler(h) {
      handler = h;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A stand-in model that plans within the limits the planner sends (its user message: the
 * decision's `maxDurationMin`, `tssBand`, `maxPctFtp` and `weeklyRemainingMin`): one steady block
 * whose stress falls in the middle of the band. Its answers pass the planner's checks, so a day
 * planned against it takes the model's path, not the template fallback (the burst benchmark).
 */
export const answerWithinLimits: FakeHandler = (req) => {
  const messages = (req.body as { messages?: { role: string; content: string }[] } | null)?.messages ?? [];
  const context = JSON.parse(messages.find((m) => m.role === 'user')?.content ?? '{}') as {
    decision?: { maxDurationMin: number; tssBand: { min: number; max: number }; maxPctFtp: number };
    weeklyRemainingMin?: number | null;
  };
  const d = context.decision;
  if (!d) return { status: 400, body: { error: { message: 'no decision in the prompt', type: 'invalid_request_error' } } };
  const minutes = Math.max(10, Math.floor(Math.min(d.maxDurationMin, context.weeklyRemainingMin ?? d.maxDurationMin)));
  const target = (d.tssBand.min + d.tssBand.max) / 2;
  // TSS of a steady block = hours × IF² × 100.
  const pct = Math.min(d.maxPctFtp, Math.max(0.4, Math.sqrt((target * 60) / (minutes * 100))));
  const plan = {
    title: 'Steady endurance',
    sport: 'cycling',
    durationMin: minutes,
    intervals: [{ durationMin: minutes, targetPctFtp: Math.floor(pct * 100) / 100, hrZone: null, cadenceRpm: 90, cue: 'Steady' }],
    notes: 'Keep it even.',
    estimatedTss: Math.round(target),
  };
  return { content: JSON.stringify(plan) };
};
