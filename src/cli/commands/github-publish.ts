/**
 * Publishing a file to a GitHub repository through the REST API: the repository's visibility
 * first (GET /repos/{owner}/{repo}: an export holds health data, so a public repository is refused
 * unless the user says otherwise), then the contents API (PUT /repos/{owner}/{repo}/contents/{path}).
 * The token comes from GITHUB_TOKEN and never appears in a message.
 */
import { UserError } from '../../infra/user-error';

export interface GitHubTarget {
  owner: string;
  repo: string;
  token: string | undefined;
  /** GITHUB_API_URL, default https://api.github.com. */
  apiUrl?: string;
}

export interface PublishOptions extends GitHubTarget {
  path: string;
  content: Buffer;
  message: string;
  branch?: string;
}

export interface PublishResult {
  path: string;
  htmlUrl: string | null;
  commitSha: string | null;
  created: boolean;
}

export interface RepositoryVisibility {
  private: boolean;
  /** GitHub's `visibility`: public, private or internal. */
  visibility: string;
}

const TOKEN_HINT = 'set GITHUB_TOKEN to a token with the permission contents: write on the repository';

function explain(status: number, t: GitHubTarget, doing: string, body: string, branch?: string): UserError {
  const where = `${t.owner}/${t.repo}`;
  let detail = '';
  try {
    detail = (JSON.parse(body) as { message?: string }).message ?? '';
  } catch {
    /* not JSON */
  }
  const said = detail ? ` (GitHub said: ${detail})` : '';
  if (status === 401) return new UserError(`GitHub refused GITHUB_TOKEN (401)${said}`, 'the token is invalid or expired: create a new one with the “Contents: write” permission on the repository');
  if (status === 403) return new UserError(`GitHub refused to ${doing} ${where} (403)${said}`, `the token lacks the permission contents: write on ${where} — give a fine-grained token “Contents: Read and write” for that repository (it includes “Metadata: Read”, which tells whether the repository is private), or the repo scope for a classic token`);
  if (status === 404) return new UserError(`GitHub repository ${where} was not found (404)${said}`, 'check owner/repo, and that the token can see the repository (private repositories need it in the token’s repository list)');
  if (status === 409 || status === 422) return new UserError(`GitHub refused to ${doing} ${where} (${status})${said}`, branch ? `check that branch ${branch} exists` : 'try again; the file may have changed meanwhile');
  return new UserError(`GitHub answered ${status} when asked to ${doing} ${where}${said}`);
}

/** One authenticated call to the GitHub REST API; a network failure is a UserError naming the API. */
async function call(t: GitHubTarget, method: 'GET' | 'PUT', apiPath: string, body?: unknown): Promise<Response> {
  if (!t.token) throw new UserError('--publish needs GITHUB_TOKEN', TOKEN_HINT);
  const base = (t.apiUrl || 'https://api.github.com').replace(/\/+$/, '');
  try {
    return await fetch(`${base}${apiPath}`, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${t.token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'lanterne',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new UserError(`cannot reach the GitHub API at ${base}: ${(err as Error).message}`, 'check the network, or GITHUB_API_URL');
  }
}

function repoPath(t: GitHubTarget): string {
  return `/repos/${encodeURIComponent(t.owner)}/${encodeURIComponent(t.repo)}`;
}

/** The repository's visibility, from GitHub (GET /repos/{owner}/{repo}). */
export async function repositoryVisibility(t: GitHubTarget): Promise<RepositoryVisibility> {
  const res = await call(t, 'GET', repoPath(t));
  const text = await res.text();
  if (!res.ok) throw explain(res.status, t, 'read', text);
  const body = JSON.parse(text) as { private?: unknown; visibility?: unknown };
  const isPrivate = body.private === true;
  return { private: isPrivate, visibility: typeof body.visibility === 'string' ? body.visibility : isPrivate ? 'private' : 'public' };
}

/**
 * Refuses a repository that is not private unless `allowPublic`: the export holds HRV, sleep and
 * the athlete's notes. Asked before anything is uploaded.
 */
export async function ensurePrivateRepository(t: GitHubTarget, allowPublic: boolean): Promise<RepositoryVisibility> {
  const v = await repositoryVisibility(t);
  if (!v.private && !allowPublic) {
    throw new UserError(
      `GitHub repository ${t.owner}/${t.repo} is ${v.visibility}: the export holds health data (HRV, sleep, resting heart rate) and the athlete’s notes, so it is not published there`,
      'publish to a private repository, or add --allow-public if everyone may read it',
    );
  }
  return v;
}

export async function publishToGitHub(o: PublishOptions): Promise<PublishResult> {
  const contents = `${repoPath(o)}/contents/${o.path.split('/').map(encodeURIComponent).join('/')}`;
  // An existing file is replaced: the API wants its blob sha.
  let sha: string | undefined;
  const existing = await call(o, 'GET', o.branch ? `${contents}?ref=${encodeURIComponent(o.branch)}` : contents);
  if (existing.ok) sha = ((await existing.json()) as { sha?: string }).sha;
  else if (existing.status !== 404) throw explain(existing.status, o, `read ${o.path} in`, await existing.text(), o.branch);
  const put = await call(o, 'PUT', contents, { message: o.message, content: o.content.toString('base64'), ...(sha ? { sha } : {}), ...(o.branch ? { branch: o.branch } : {}) });
  const text = await put.text();
  if (!put.ok) throw explain(put.status, o, `write ${o.path} to`, text, o.branch);
  const body = JSON.parse(text) as { content?: { html_url?: string; path?: string }; commit?: { sha?: string } };
  return { path: body.content?.path ?? o.path, htmlUrl: body.content?.html_url ?? null, commitSha: body.commit?.sha ?? null, created: put.status === 201 };
}
