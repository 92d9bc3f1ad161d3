import { ensurePrivateRepository, publishToGitHub, repositoryVisibility } from '../../../src/cli/commands/github-publish';
import { startFakeGitHubServer, type FakeGitHubServer } from '../../support/fake-github-server';

const TOKEN = 'github_pat_test_0123456789';
let gh: FakeGitHubServer;

beforeAll(async () => {
  gh = await startFakeGitHubServer({
    token: TOKEN,
    repositories: [
      { owner: 'alice', name: 'training-log', visibility: 'private', files: { 'x/old.tar.gz': Buffer.from('old archive') } },
      { owner: 'alice', name: 'blog', visibility: 'public' },
      { owner: 'acme', name: 'coaching', visibility: 'internal' },
    ],
  });
});
afterAll(() => gh.close());

const target = (repo: string, owner = 'alice') => ({ owner, repo, token: TOKEN, apiUrl: gh.url });

describe('GitHub repository visibility', () => {
  it('reads the private flag from GET /repos/{owner}/{repo}', async () => {
    await expect(repositoryVisibility(target('training-log'))).resolves.toEqual({ private: true, visibility: 'private' });
    await expect(repositoryVisibility(target('blog'))).resolves.toEqual({ private: false, visibility: 'public' });
    await expect(repositoryVisibility(target('coaching', 'acme'))).resolves.toEqual({ private: true, visibility: 'internal' });
    const asked = gh.requests.filter((r) => r.method === 'GET' && r.path === '/repos/alice/training-log');
    expect(asked[0]).toMatchObject({ authorization: `Bearer ${TOKEN}`, apiVersion: '2022-11-28' });
  });

  it('refuses a public repository unless told so, saying why', async () => {
    await expect(ensurePrivateRepository(target('blog'), false)).rejects.toThrow(
      'GitHub repository alice/blog is public: the export holds health data (HRV, sleep, resting heart rate) and the athlete’s notes, so it is not published there',
    );
    await expect(ensurePrivateRepository(target('blog'), true)).resolves.toMatchObject({ visibility: 'public' });
    await expect(ensurePrivateRepository(target('training-log'), false)).resolves.toMatchObject({ private: true });
  });

  it('explains a refused token (401) and an unknown repository (404) without showing the token', async () => {
    const bad = { ...target('training-log'), token: 'ghp_wrong_secret' };
    const refused = await ensurePrivateRepository(bad, false).catch((e: Error) => e);
    expect((refused as Error).message).toBe('GitHub refused GITHUB_TOKEN (401) (GitHub said: Bad credentials)');
    expect(JSON.stringify(refused)).not.toContain('ghp_wrong_secret');
    await expect(ensurePrivateRepository(target('nope'), false)).rejects.toThrow('GitHub repository alice/nope was not found (404) (GitHub said: Not Found)');
  });

  it('says where the API is when it cannot be reached', async () => {
    await expect(repositoryVisibility({ ...target('blog'), apiUrl: 'http://127.0.0.1:1' })).rejects.toThrow('cannot reach the GitHub API at http://127.0.0.1:1');
  });
});

describe('publishing through the contents API', () => {
  it('creates a new file (201) with the content base64-encoded', async () => {
    const r = await publishToGitHub({ ...target('training-log'), path: 'x/new.tar.gz', content: Buffer.from('new archive'), message: 'export' });
    expect(r).toMatchObject({ path: 'x/new.tar.gz', created: true, htmlUrl: 'https://github.com/alice/training-log/blob/main/x/new.tar.gz' });
    expect(r.commitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(gh.file('alice', 'training-log', 'x/new.tar.gz')?.toString()).toBe('new archive');
  });

  it('replaces an existing file with its blob sha (200)', async () => {
    const r = await publishToGitHub({ ...target('training-log'), path: 'x/old.tar.gz', content: Buffer.from('newer archive'), message: 'export again' });
    expect(r.created).toBe(false);
    expect(gh.file('alice', 'training-log', 'x/old.tar.gz')?.toString()).toBe('newer archive');
    const put = gh.puts().at(-1)!;
    expect(put.body).toEqual({ message: 'export again', content: Buffer.from('newer archive').toString('base64'), sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
  });

  it('says which permission is missing when GitHub answers 403', async () => {
    gh.refuseContents(true);
    try {
      await expect(publishToGitHub({ ...target('training-log'), path: 'x/y.tar.gz', content: Buffer.from('z'), message: 'm' })).rejects.toThrow(
        'GitHub refused to read x/y.tar.gz in alice/training-log (403) (GitHub said: Resource not accessible by personal access token)',
      );
    } finally {
      gh.refuseContents(false);
    }
  });
});
