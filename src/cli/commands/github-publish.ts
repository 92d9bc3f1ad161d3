/**
 * Publishing a file to a GitHub repository through the contents API
 * (PUT /repos/{owner}/{repo}/contents/{path}); the token comes from GITHUB_TOKEN and never
 * appears in a message.
 */
import { UserError } from '../../infra/user-error';

export interface PublishOptions {
  owner: string;
  repo: string;
  path: string;
  content: Buffer;
  message: string;
  branch?: string;
  token: string | undefined;
  /** GITHUB_API_URL, default https://api.github.com. */
  apiUrl?: string;
  fetchImpl?: typeof fetch;
}

export interface PublishResult {
  path: string;
  htmlUrl: string | null;
  commitSha: string | null;
  created: boolean;
}

function explain(status: number, o: PublishOptions, body: string): UserError {
  const where = `${o.owner}/${o.repo}`;
  let detail = '';
  try {
    detail = (JSON.parse(body) as { message?: string }).message ?? '';
  } catch {
    /* not JSON */
  }
  const said = detail ? ` (GitHub said: ${detail})` : '';
  if (status === 401) return new UserError(`GitHub refused GITHUB_TOKEN (401)${said}`, 'the token is invalid or expired: create a new one with the “Contents: write” permission on the repository');
  if (status === 403) return new UserError(`GitHub refused to write to ${where} (403)${said}`, `the token lacks the permission contents: write on ${where} — give a fine-grained token “Contents: Read and write” for that repository (or the repo scope for a classic token)`);
  if (status === 404) return new UserError(`GitHub repository ${where} was not found (404)${said}`, 'check owner/repo, and that the token can see the repository (private repositories need it in the token’s repository list)');
  if (status === 409 || status === 422) return new UserError(`GitHub rejected the file ${o.path} in ${where} (${status})${said}`, o.branch ? `check that branch ${o.branch} exists` : 'try again; the file may have changed meanwhile');
  return new UserError(`GitHub answered ${status} when writing ${o.path} to ${where}${said}`);
}

export async function publishToGitHub(o: PublishOptions): Promise<PublishResult> {
  if (!o.token) throw new UserError('--publish needs GITHUB_TOKEN', 'set GITHUB_TOKEN to a token with the permission contents: write on the repository');
  const f = o.fetchImpl ?? fetch;
  const base = (o.apiUrl || 'https://api.github.com').replace(/\/+$/, '');
  const url = `${base}/repos/${encodeURIComponent(o.owner)}/${encodeURIComponent(o.repo)}/contents/${o.path.split('/').map(encodeURIComponent).join('/')}`;
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${o.token}`,
    'x-github-api-version': '2022-11-28',
    'user-agent': 'lanterne',
  };
  const call = async (init: RequestInit) => {
    try {
      return await f(init.method === 'GET' && o.branch ? `${url}?ref=${encodeURIComponent(o.branch)}` : url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
    } catch (err) {
      throw new UserError(`cannot reach the GitHub API at ${base}: ${(err as Error).message}`, 'check the network, or GITHUB_API_URL');
    }
  };
  // An existing file is replaced: the API wants its blob sha.
  let sha: string | undefined;
  const existing = await call({ method: 'GET' });
  if (existing.ok) sha = ((await existing.json()) as { sha?: string }).sha;
  else if (existing.status !== 404) throw explain(existing.status, o, await existing.text());
  const put = await call({
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: o.message, content: o.content.toString('base64'), ...(sha ? { sha } : {}), ...(o.branch ? { branch: o.branch } : {}) }),
  });
  const text = await put.text();
  if (!put.ok) throw explain(put.status, o, text);
  const body = JSON.parse(text) as { content?: { html_url?: string; path?: string }; commit?: { sha?: string } };
  return { path: body.content?.path ?? o.path, htmlUrl: body.content?.html_url ?? null, commitSha: body.commit?.sha ?? null, created: put.status === 201 };
}
