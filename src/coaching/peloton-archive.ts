/**
 * Peloton's cycling class archive (unofficial API, research/domain.md §3): the client that pages
 * through `GET /api/v2/ride/archived` with a bearer token, and the sync that replaces the stored
 * library with what it read — all of it or nothing.
 *
 * Shapes (domain.md §3.2–3.3; public client code): each page holds `data` (the rides: `id`,
 * `title`, `duration` in seconds, `fitness_discipline`, `difficulty_estimate`, `class_type_ids`,
 * `instructor_id`, `original_air_time` in epoch seconds, `is_ftp_test`), the page's `instructors`
 * (`id`, `name`), `page` (0-based), `page_count`, `total` and `show_next`; paging stops when
 * `show_next` is false. A class opens at
 * `https://members.onepeloton.com/classes/cycling?modal=classDetailsModal&classId=<id>`.
 *
 * The library is a shared catalogue: classes only, no athlete data. The token is the operator's
 * (PELOTON_BEARER_TOKEN), sent in the Authorization header only, never stored or logged.
 */
import { describeBody, requestJson, resolveTransport, type ResolvedTransport, type TransportOptions } from '../observation/http-json';
import { ObservationError, RequestRejectedError, UnexpectedResponseError } from '../observation/errors';
import { classFromLiveRide, DEFAULT_PELOTON_BASE_URL, type LibraryClass } from './peloton';

/** Where a class opens for a member (Peloton's web app, class details). */
export function classUrl(id: string): string {
  return `https://members.onepeloton.com/classes/cycling?modal=classDetailsModal&classId=${id}`;
}

export interface ArchiveClientOptions {
  /** PELOTON_BASE_URL, default https://api.onepeloton.com. */
  baseUrl?: string;
  bearerToken: string;
  transport?: TransportOptions;
  /** Classes per page (default 100). */
  limit?: number;
  /** Safety stop (default 500 pages: 50,000 classes). */
  maxPages?: number;
}

export interface ArchiveRead {
  classes: LibraryClass[];
  pages: number;
  /** The archive's own count (`total` of the first page), when it gave one. */
  total: number | null;
  /** Rides that were not usable cycling classes (another discipline, a malformed entry). */
  skipped: number;
}

/** Peloton refused the token: a person has to paste a fresh one. */
export class PelotonTokenRefused extends ObservationError {
  readonly type = 'ReconnectRequired' as const;
  readonly retryable = false;
  constructor(readonly status: number) {
    super('peloton', `Peloton refused the bearer token (HTTP ${status}): it has expired or was revoked`);
  }
}

export class PelotonArchiveClient {
  private readonly baseUrl: string;
  private readonly t: ResolvedTransport;
  private readonly limit: number;
  private readonly maxPages: number;

  constructor(private readonly o: ArchiveClientOptions) {
    this.baseUrl = (o.baseUrl || DEFAULT_PELOTON_BASE_URL).replace(/\/+$/, '');
    this.t = resolveTransport(o.transport);
    this.limit = Math.max(1, Math.min(100, Math.floor(o.limit ?? 100)));
    this.maxPages = o.maxPages ?? 500;
  }

  /** Every cycling class of the archive, newest first, each once. `onPage` hears of each page read. */
  async readAll(onPage?: (page: number, pageCount: number | null) => void): Promise<ArchiveRead> {
    const byId = new Map<string, LibraryClass>();
    let skipped = 0;
    let total: number | null = null;
    for (let page = 0; page < this.maxPages; page++) {
      const body = await this.page(page);
      if (page === 0 && typeof body.total === 'number') total = body.total;
      const names = new Map<string, string>();
      for (const i of Array.isArray(body.instructors) ? body.instructors : []) {
        if (i && typeof i.id === 'string' && typeof i.name === 'string') names.set(i.id, i.name);
      }
      for (const ride of body.data) {
        const c = libraryClass(ride, names);
        if (c) byId.set(c.id, c);
        else skipped += 1;
      }
      const pageCount = typeof body.page_count === 'number' ? body.page_count : null;
      onPage?.(page, pageCount);
      const more = typeof body.show_next === 'boolean' ? body.show_next : pageCount !== null ? page + 1 < pageCount : body.data.length === this.limit;
      if (!more || body.data.length === 0) return { classes: [...byId.values()], pages: page + 1, total, skipped };
    }
    throw new UnexpectedResponseError('peloton', `${this.baseUrl}/api/v2/ride/archived`, `the archive to end within ${this.maxPages} pages of ${this.limit}`);
  }

  private async page(page: number): Promise<ArchivePage> {
    const url = new URL(`${this.baseUrl}/api/v2/ride/archived`);
    url.searchParams.set('browse_category', 'cycling');
    url.searchParams.set('content_format', 'audio,video');
    url.searchParams.set('limit', String(this.limit));
    url.searchParams.set('page', String(page));
    url.searchParams.set('sort_by', 'original_air_time');
    url.searchParams.set('desc', 'true');
    const res = await requestJson('peloton', this.t, {
      url: url.toString(),
      headers: { authorization: `Bearer ${this.o.bearerToken}`, 'peloton-platform': 'web', accept: 'application/json' },
    });
    if (res.status === 401 || res.status === 403) throw new PelotonTokenRefused(res.status);
    if (res.status < 200 || res.status >= 300) throw new RequestRejectedError('peloton', `${this.baseUrl}/api/v2/ride/archived`, res.status, describeBody(res.body));
    const body = res.body as Partial<ArchivePage> | null;
    if (!body || typeof body !== 'object' || !Array.isArray(body.data)) {
      throw new UnexpectedResponseError('peloton', `${this.baseUrl}/api/v2/ride/archived`, 'an object with a "data" list of rides');
    }
    return body as ArchivePage;
  }
}

interface ArchivePage {
  data: unknown[];
  instructors?: { id?: unknown; name?: unknown }[];
  page?: number;
  page_count?: number;
  total?: number;
  show_next?: boolean;
}

/** One ride of the archive as a library class: the catalogue fields, its instructor, air time and link. */
export function libraryClass(ride: unknown, instructors: ReadonlyMap<string, string>): LibraryClass | null {
  const base = classFromLiveRide(ride);
  if (!base) return null;
  const r = ride as { instructor_id?: unknown; original_air_time?: unknown; instructor?: { name?: unknown } };
  const instructorId = typeof r.instructor_id === 'string' && r.instructor_id !== '' ? r.instructor_id : null;
  const embedded = typeof r.instructor?.name === 'string' ? r.instructor.name : null;
  const air = typeof r.original_air_time === 'number' && Number.isFinite(r.original_air_time) ? new Date(r.original_air_time * 1000).toISOString() : null;
  return {
    ...base,
    instructorId,
    instructor: (instructorId ? instructors.get(instructorId) : undefined) ?? embedded,
    airTime: air,
    url: classUrl(base.id),
  };
}

/** Where the library lives (PostgreSQL: src/memory/peloton-store.ts). */
export interface PelotonLibraryStore {
  /** Replaces the library with `classes` in one transaction and records the sync; returns what changed. */
  replace(classes: readonly LibraryClass[], read: { pages: number; total: number | null; skipped: number }): Promise<{ syncId: number; added: number; updated: number; removed: number }>;
  recordFailure(detail: string): Promise<void>;
  lastSync(): Promise<{ finishedAt: string; classes: number } | null>;
}

export interface SyncReport {
  status: 'synced' | 'fresh';
  /** When the library was synced before (null: never). */
  previous: string | null;
  pages: number;
  classes: number;
  total: number | null;
  skipped: number;
  added: number;
  updated: number;
  removed: number;
}

/**
 * Reads the whole archive, then replaces the stored library with it: a failed read (401, a 5xx that
 * outlasts the retries, a malformed page) changes nothing and is recorded as a failed sync. With
 * `maxAgeDays`, a library synced more recently than that is left as it is (a daily cron line then
 * syncs once a week, and catches up the day after a missed week). Running it again gives the same
 * library.
 */
export async function syncPelotonLibrary(o: { client: Pick<PelotonArchiveClient, 'readAll'>; store: PelotonLibraryStore; maxAgeDays?: number; nowMs?: number; onPage?: (page: number, pageCount: number | null) => void }): Promise<SyncReport> {
  const last = await o.store.lastSync();
  const now = o.nowMs ?? Date.now();
  if (o.maxAgeDays !== undefined && last && now - Date.parse(last.finishedAt) < o.maxAgeDays * 86_400_000) {
    return { status: 'fresh', previous: last.finishedAt, pages: 0, classes: last.classes, total: null, skipped: 0, added: 0, updated: 0, removed: 0 };
  }
  let read: ArchiveRead;
  try {
    read = await o.client.readAll(o.onPage);
  } catch (err) {
    await o.store.recordFailure((err as Error).message);
    throw err;
  }
  if (read.classes.length === 0) {
    const detail = 'the archive answered with no usable cycling class: the library was kept';
    await o.store.recordFailure(detail);
    throw new UnexpectedResponseError('peloton', 'the cycling archive', 'at least one cycling class (the library was kept)');
  }
  const changed = await o.store.replace(read.classes, read);
  return { status: 'synced', previous: last?.finishedAt ?? null, pages: read.pages, classes: read.classes.length, total: read.total, skipped: read.skipped, ...changed };
}
