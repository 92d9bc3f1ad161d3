/**
 * The Peloton archive client against a local server in the archive's documented shape: paging
 * until `show_next` is false, the page's instructors, the class link and air time, rides that are
 * not cycling classes skipped, 401 → the token refused (not retried), a 5xx retried, a 5xx that
 * lasts, a page that is not the archive's shape — and the sync that replaces the library only
 * when the whole archive was read.
 */
import { PelotonArchiveClient, PelotonTokenRefused, classUrl, syncPelotonLibrary, type PelotonLibraryStore } from '../../../src/coaching/peloton-archive';
import type { LibraryClass } from '../../../src/coaching/peloton';
import { CLASS_TYPES, type FakePelotonServer, archivedRide, startFakePelotonServer } from '../../support/fake-peloton-server';

let server: FakePelotonServer;
const TOKEN = 'jwt-test-not-secret';
const client = (over: Partial<ConstructorParameters<typeof PelotonArchiveClient>[0]> = {}) =>
  new PelotonArchiveClient({ baseUrl: server.url, bearerToken: TOKEN, transport: { backoffMs: 1, random: () => 0, timeoutMs: 10_000 }, ...over });

beforeEach(async () => {
  server = await startFakePelotonServer();
  server.validTokens.add(TOKEN);
});
afterEach(async () => {
  await server.close();
});

describe('PelotonArchiveClient', () => {
  it('pages through the whole cycling archive with the bearer token, each class once, with instructor, air time and link', async () => {
    for (let i = 0; i < 250; i++) server.rides.push(archivedRide(i));
    const pages: number[] = [];
    const read = await client().readAll((p) => pages.push(p));
    expect(read.pages).toBe(3);
    expect(pages).toEqual([0, 1, 2]);
    expect(read.total).toBe(250);
    expect(read.classes).toHaveLength(250);
    expect(new Set(read.classes.map((c) => c.id)).size).toBe(250);
    const asked = server.requests.map((r) => r.query);
    expect(asked.map((q) => q.page)).toEqual(['0', '1', '2']);
    expect(asked[0]).toEqual(expect.objectContaining({ browse_category: 'cycling', limit: '100', sort_by: 'original_air_time', desc: 'true' }));
    expect(server.requests.every((r) => r.authorization === `Bearer ${TOKEN}` && r.platform === 'web')).toBe(true);
    const first = read.classes.find((c) => c.id === archivedRide(0).id)!;
    expect(first).toEqual<LibraryClass>({
      id: archivedRide(0).id,
      title: '20 min Climb Ride',
      durationMin: 20,
      discipline: 'cycling',
      classType: 'Climb',
      classTypeId: CLASS_TYPES.climb,
      subtype: null,
      difficulty: 7.9,
      primaryZones: [3, 5],
      estIf: 0.82,
      estTss: 22,
      isFtpTest: false,
      instructorId: '1'.repeat(32),
      instructor: 'Instructor One',
      airTime: '2025-07-01T12:00:00.000Z',
      url: `https://members.onepeloton.com/classes/cycling?modal=classDetailsModal&classId=${archivedRide(0).id}`,
    });
    expect(classUrl('ab'.repeat(16))).toBe('https://members.onepeloton.com/classes/cycling?modal=classDetailsModal&classId=abababababababababababababababab');
  });

  it('skips rides that are not usable cycling classes, and names an unknown instructor as unknown', async () => {
    server.rides.push(archivedRide(0), archivedRide(1, { fitness_discipline: 'strength' }), archivedRide(2, { id: 'not-a-peloton-id' }), archivedRide(3, { instructor_id: 'f'.repeat(32) }));
    const read = await client().readAll();
    expect(read.classes.map((c) => c.id)).toEqual([archivedRide(0).id, archivedRide(3).id]);
    expect(read.skipped).toBe(2);
    expect(read.classes[1].instructor).toBeNull();
  });

  it('a refused token (401) fails at once, not retried, never naming the token', async () => {
    server.rides.push(archivedRide(0));
    const err = await client({ bearerToken: 'stale-token-value' }).readAll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PelotonTokenRefused);
    expect((err as Error).message).toBe('Peloton refused the bearer token (HTTP 401): it has expired or was revoked');
    expect((err as Error).message).not.toContain('stale-token-value');
    expect((err as PelotonTokenRefused).retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 5xx, then reads on', async () => {
    for (let i = 0; i < 150; i++) server.rides.push(archivedRide(i));
    server.script({ status: 503 }, { status: 502 });
    const read = await client().readAll();
    expect(read.classes).toHaveLength(150);
    expect(server.requests.map((r) => r.query.page)).toEqual(['0', '0', '0', '1']);
  });

  it('gives up on a 5xx that lasts, and on a page that is not the archive’s shape', async () => {
    server.rides.push(archivedRide(0));
    server.script({ status: 500 }, { status: 500 }, { status: 500 });
    await expect(client().readAll()).rejects.toThrow(/^Peloton is unavailable: .*\/api\/v2\/ride\/archived.* answered HTTP 500 after 3 attempts$/);
    server.script({ status: 200, body: JSON.stringify({ rides: [] }) });
    await expect(client().readAll()).rejects.toThrow('Peloton answered http://127.0.0.1');
  });
});

/** The library in memory, with the PostgreSQL store's semantics (tests/db covers the real one). */
function memoryStore(): PelotonLibraryStore & { classes: Map<string, LibraryClass>; failures: string[]; syncs: number } {
  const s = {
    classes: new Map<string, LibraryClass>(),
    failures: [] as string[],
    syncs: 0,
    last: null as { finishedAt: string; classes: number } | null,
    async replace(classes: readonly LibraryClass[]) {
      const added = classes.filter((c) => !s.classes.has(c.id)).length;
      const keep = new Set(classes.map((c) => c.id));
      const removed = [...s.classes.keys()].filter((id) => !keep.has(id)).length;
      s.classes = new Map(classes.map((c) => [c.id, c]));
      s.syncs += 1;
      s.last = { finishedAt: new Date(Date.parse('2025-07-01T00:00:00Z') + s.syncs * 86_400_000).toISOString(), classes: classes.length };
      return { syncId: s.syncs, added, updated: classes.length - added, removed };
    },
    async recordFailure(detail: string) {
      s.failures.push(detail);
    },
    async lastSync() {
      return s.last;
    },
  };
  return s;
}

describe('syncPelotonLibrary', () => {
  it('replaces the library with the whole archive; again gives the same library; a class gone from the archive goes', async () => {
    for (let i = 0; i < 120; i++) server.rides.push(archivedRide(i));
    const store = memoryStore();
    const first = await syncPelotonLibrary({ client: client(), store });
    expect(first).toEqual(expect.objectContaining({ status: 'synced', previous: null, pages: 2, classes: 120, added: 120, updated: 0, removed: 0 }));
    const again = await syncPelotonLibrary({ client: client(), store });
    expect(again).toEqual(expect.objectContaining({ status: 'synced', classes: 120, added: 0, updated: 120, removed: 0 }));
    server.rides.splice(5, 1);
    server.rides.unshift(archivedRide(500));
    const third = await syncPelotonLibrary({ client: client(), store });
    expect(third).toEqual(expect.objectContaining({ classes: 120, added: 1, removed: 1 }));
    expect(store.classes.has(archivedRide(5).id)).toBe(false);
  });

  it('keeps the library when the archive cannot be read whole, and records why', async () => {
    for (let i = 0; i < 150; i++) server.rides.push(archivedRide(i));
    const store = memoryStore();
    await syncPelotonLibrary({ client: client(), store });
    const before = new Map(store.classes);
    // page 0 answers, page 1 fails for good: nothing is replaced
    server.script({ status: 200, body: JSON.stringify({ data: server.rides.slice(0, 100).map((r) => ({ ...r, title: 'changed' })), page: 0, page_count: 2, total: 150, show_next: true, instructors: [] }) }, { status: 500 }, { status: 500 }, { status: 500 });
    await expect(syncPelotonLibrary({ client: client(), store })).rejects.toThrow(/answered HTTP 500 after 3 attempts/);
    expect(store.classes).toEqual(before);
    expect(store.failures).toEqual([expect.stringMatching(/answered HTTP 500 after 3 attempts/)]);
    // an archive with no usable class is refused too
    server.rides.length = 0;
    await expect(syncPelotonLibrary({ client: client(), store })).rejects.toThrow(/at least one cycling class \(the library was kept\)/);
    expect(store.classes).toEqual(before);
  });

  it('with a maximum age, leaves a fresh library alone and syncs an old one', async () => {
    for (let i = 0; i < 10; i++) server.rides.push(archivedRide(i));
    const store = memoryStore();
    await syncPelotonLibrary({ client: client(), store }); // finished 2025-07-02
    server.requests.length = 0;
    const fresh = await syncPelotonLibrary({ client: client(), store, maxAgeDays: 7, nowMs: Date.parse('2025-07-08T00:00:00Z') });
    expect(fresh).toEqual(expect.objectContaining({ status: 'fresh', previous: '2025-07-02T00:00:00.000Z', classes: 10 }));
    expect(server.requests).toHaveLength(0);
    const stale = await syncPelotonLibrary({ client: client(), store, maxAgeDays: 7, nowMs: Date.parse('2025-07-09T00:00:01Z') });
    expect(stale.status).toBe('synced');
  });
});
