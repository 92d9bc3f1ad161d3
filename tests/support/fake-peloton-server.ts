/**
 * A local stand-in for Peloton's class archive, `GET /api/v2/ride/archived`, in the shape public
 * clients document (research/domain.md §3.2–3.3): a bearer token (else 401), `page` (0-based) and
 * `limit`, and pages holding `data` (the rides), the page's `instructors`, `page`, `page_count`,
 * `total`, `limit` and `show_next`. Tests set the classes, the valid tokens and script the next
 * answers (a 5xx, a malformed body), and read back the requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ArchivedRide {
  id: string;
  title: string;
  duration: number;
  length?: number;
  fitness_discipline: string;
  difficulty_estimate: number | null;
  class_type_ids: string[];
  instructor_id: string | null;
  original_air_time: number;
  is_ftp_test: boolean;
}

export interface FakeInstructor {
  id: string;
  name: string;
}

export interface ScriptedAnswer {
  status: number;
  body?: string;
}

export interface PelotonRequest {
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  platform: string | undefined;
}

export interface FakePelotonServer {
  /** PELOTON_BASE_URL for the client. */
  url: string;
  /** The archive, newest first (as `sort_by=original_air_time&desc=true` returns it). */
  rides: ArchivedRide[];
  instructors: FakeInstructor[];
  validTokens: Set<string>;
  requests: PelotonRequest[];
  /** The next requests to the archive get these answers, in order, before the real ones resume. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

/** Cycling class-type ids (domain.md §3.3). */
export const CLASS_TYPES = {
  climb: 'bf6639f2e50a4f0395cb1479542ed4bd',
  powerZone: '665395ff3abf4081bf315686227d1a51',
  intervals: '7579b9edbdf9464fa19eb58193897a73',
  lowImpact: '59a49f882ea9475faa3110d50a8fb3f3',
};

export const INSTRUCTORS: FakeInstructor[] = [
  { id: '1'.repeat(32), name: 'Instructor One' },
  { id: '2'.repeat(32), name: 'Instructor Two' },
  { id: '3'.repeat(32), name: 'Instructor Three' },
];

const hex = (n: number): string => n.toString(16).padStart(32, '0');

/** The `i`-th class of a made-up archive: a mix of durations, types and instructors, one a day back from 2025-07-01. */
export function archivedRide(i: number, over: Partial<ArchivedRide> = {}): ArchivedRide {
  const kinds = [
    { title: 'Climb Ride', type: CLASS_TYPES.climb, difficulty: 7.9 },
    { title: 'Power Zone Endurance Ride', type: CLASS_TYPES.powerZone, difficulty: 6.6 },
    { title: 'HIIT & Hills Ride', type: CLASS_TYPES.intervals, difficulty: 8.4 },
    { title: 'Low Impact Ride', type: CLASS_TYPES.lowImpact, difficulty: 5.1 },
    { title: 'Power Zone Ride', type: CLASS_TYPES.powerZone, difficulty: 7.6 },
  ];
  const minutes = [20, 30, 45, 60, 75, 90][i % 6];
  const k = kinds[i % kinds.length];
  return {
    id: hex(0xc0de0000 + i),
    title: `${minutes} min ${k.title}`,
    duration: minutes * 60,
    length: minutes * 60 + 120,
    fitness_discipline: 'cycling',
    difficulty_estimate: k.difficulty,
    class_type_ids: [k.type],
    instructor_id: INSTRUCTORS[i % INSTRUCTORS.length].id,
    original_air_time: Date.parse('2025-07-01T12:00:00Z') / 1000 - i * 86_400,
    is_ftp_test: false,
    ...over,
  };
}

export async function startFakePelotonServer(): Promise<FakePelotonServer> {
  const scripted: ScriptedAnswer[] = [];
  const state: Omit<FakePelotonServer, 'url' | 'script' | 'close'> = { rides: [], instructors: [...INSTRUCTORS], validTokens: new Set(), requests: [] };

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    state.requests.push({ path: u.pathname, query: Object.fromEntries(u.searchParams), authorization: req.headers.authorization, platform: req.headers['peloton-platform'] as string | undefined });
    if (u.pathname !== '/api/v2/ride/archived' || req.method !== 'GET') return send(res, 404, { status: 404, message: 'Not Found' });
    const next = scripted.shift();
    if (next) return send(res, next.status, next.body ?? { status: next.status, message: `scripted ${next.status}` });
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!state.validTokens.has(token)) return send(res, 401, { status: 401, error_code: 3030, message: 'Login required', subcode: 'login_required' });
    const limit = Number(u.searchParams.get('limit') ?? '18');
    const page = Number(u.searchParams.get('page') ?? '0');
    const cycling = u.searchParams.get('browse_category') === 'cycling' ? state.rides : [];
    const data = cycling.slice(page * limit, (page + 1) * limit);
    const ids = new Set(data.map((r) => r.instructor_id));
    const pageCount = Math.ceil(cycling.length / limit);
    return send(res, 200, {
      data,
      page,
      page_count: pageCount,
      total: cycling.length,
      count: data.length,
      limit,
      show_next: page + 1 < pageCount,
      show_previous: page > 0,
      sort_by: u.searchParams.get('sort_by'),
      instructors: state.instructors.filter((i) => ids.has(i.id)),
      class_types: [],
      fitness_disciplines: [],
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    script: (...answers: ScriptedAnswer[]) => void scripted.push(...answers),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
