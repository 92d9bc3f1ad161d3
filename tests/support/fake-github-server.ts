/**
 * A local HTTP server that answers like GitHub's REST API (version 2022-11-28) for what
 * `lanterne export --publish` uses:
 * - GET  /repos/{owner}/{repo}                  → the repository (`private`, `visibility`, …)
 * - GET  /repos/{owner}/{repo}/contents/{path}  → a file (`sha`, base64 `content`) or 404
 * - PUT  /repos/{owner}/{repo}/contents/{path}  → 201 created / 200 updated, with `content` and
 *   `commit`; 409 when the given `sha` is not the file's, 422 when a file exists and no `sha` came
 * Bearer-token auth (401 "Bad credentials" otherwise); unknown repositories answer 404
 * "Not Found". It keeps the files it was sent and records every request.
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface GitHubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  apiVersion: string | null;
  body: Record<string, unknown> | null;
}

export interface FakeRepository {
  owner: string;
  name: string;
  visibility: 'public' | 'private' | 'internal';
  defaultBranch?: string;
  /** Existing files: path → content. */
  files?: Record<string, Buffer>;
}

export interface FakeGitHubServer {
  /** Base URL, as GITHUB_API_URL. */
  url: string;
  requests: GitHubRequest[];
  /** PUT requests only. */
  puts(): GitHubRequest[];
  /** A file as the repository holds it now. */
  file(owner: string, repo: string, path: string): Buffer | null;
  /** Answer every contents request (read or write) with 403, as for a token without contents: write. */
  refuseContents(refuse: boolean): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export async function startFakeGitHubServer(opts: { token: string; repositories: FakeRepository[] }): Promise<FakeGitHubServer> {
  const requests: GitHubRequest[] = [];
  const repos = new Map(opts.repositories.map((r) => [`${r.owner}/${r.name}`.toLowerCase(), { ...r, files: new Map(Object.entries(r.files ?? {})) }]));
  let refuse = false;
  let commits = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | null = null;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      const record: GitHubRequest = {
        method: req.method ?? '',
        path: decodeURIComponent(url.pathname),
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization ?? null,
        apiVersion: (req.headers['x-github-api-version'] as string | undefined) ?? null,
        body,
      };
      requests.push(record);
      const send = (status: number, payload: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28' });
        res.end(JSON.stringify(payload));
      };
      if (record.authorization !== `Bearer ${opts.token}`) return send(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });

      const m = /^\/repos\/([^/]+)\/([^/]+)(?:\/contents\/(.+))?$/.exec(url.pathname);
      const repo = m ? repos.get(`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`.toLowerCase()) : undefined;
      if (!m || !repo) return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      const fullName = `${repo.owner}/${repo.name}`;
      const branch = repo.defaultBranch ?? 'main';

      if (m[3] === undefined) {
        if (record.method !== 'GET') return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
        return send(200, {
          id: 1296269,
          node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
          name: repo.name,
          full_name: fullName,
          owner: { login: repo.owner, type: 'User' },
          private: repo.visibility !== 'public',
          visibility: repo.visibility,
          html_url: `https://github.com/${fullName}`,
          default_branch: branch,
          permissions: { admin: false, maintain: false, push: !refuse, triage: false, pull: true },
        });
      }

      const filePath = decodeURIComponent(m[3]);
      if (refuse) return send(403, { message: 'Resource not accessible by personal access token', documentation_url: DOCS, status: '403' });
      const existing = repo.files.get(filePath) ?? null;
      const fileJson = (content: Buffer) => ({
        type: 'file',
        encoding: 'base64',
        size: content.length,
        name: filePath.split('/').pop(),
        path: filePath,
        sha: blobSha(content),
        html_url: `https://github.com/${fullName}/blob/${branch}/${filePath}`,
      });
      if (record.method === 'GET') {
        if (!existing) return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
        return send(200, { ...fileJson(existing), content: existing.toString('base64') });
      }
      if (record.method !== 'PUT' || typeof body?.message !== 'string' || typeof body.content !== 'string') {
        return send(422, { message: 'Invalid request.\n\n"message", "content" weren\'t supplied.', documentation_url: DOCS, status: '422' });
      }
      if (existing && body.sha === undefined) return send(422, { message: 'Invalid request.\n\n"sha" wasn\'t supplied.', documentation_url: DOCS, status: '422' });
      if (existing && body.sha !== blobSha(existing)) return send(409, { message: `${filePath} does not match ${String(body.sha)}`, documentation_url: DOCS, status: '409' });
      const content = Buffer.from(body.content, 'base64');
      repo.files.set(filePath, content);
      commits += 1;
      return send(existing ? 200 : 201, {
        content: fileJson(content),
        commit: { sha: createHash('sha1').update(`commit ${commits}`).digest('hex'), message: body.message, html_url: `https://github.com/${fullName}/commit/${commits}` },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    puts: () => requests.filter((r) => r.method === 'PUT'),
    file: (owner, repo, path) => repos.get(`${owner}/${repo}`.toLowerCase())?.files.get(path) ?? null,
    refuseContents(r) {
      refuse = r;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
