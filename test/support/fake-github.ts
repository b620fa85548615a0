import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake GitHub saw it. */
export interface GithubRequest {
  method: string;
  /** Path without the query string, e.g. `/repos/o/r/issues`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined for GET). */
  body: unknown;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  /** Set for pull requests, which the issues API lists too. */
  pull_request?: { url: string };
}

/** A canned reply for the next request(s) matching `method` + `path`. */
export interface Fault {
  method?: string;
  path?: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests get this reply (default 1). */
  times?: number;
}

export interface FakeGithub {
  /** Base URL to put in GITHUB_API_URL. */
  url: string;
  requests: GithubRequest[];
  /** Issues per repository, `owner/name` → issues (known repositories only). */
  repos: Map<string, FakeIssue[]>;
  addIssue(repo: string, issue: Partial<FakeIssue> & { title: string }): FakeIssue;
  fault(f: Fault): void;
  /** Requests that created something. */
  creates(): GithubRequest[];
  close(): Promise<void>;
}

/**
 * A loopback GitHub REST server for the few endpoints specloop uses: list and create
 * issues. It checks the token (401 "Bad credentials"), answers 404 for unknown repos,
 * paginates with Link headers, and replays scripted faults (rate limits, 500s) first.
 */
export async function startFakeGithub(
  opts: { token?: string; repos?: string[]; perPageMax?: number } = {},
): Promise<FakeGithub> {
  const token = opts.token ?? 'test-token';
  const requests: GithubRequest[] = [];
  const repos = new Map<string, FakeIssue[]>((opts.repos ?? ['o/r']).map((r) => [r, []]));
  const faults: Fault[] = [];
  let next = 1;
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const toJson = (repo: string, i: FakeIssue) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    labels: i.labels.map((name) => ({ name })),
    html_url: `https://github.example/${repo}/issues/${i.number}`,
    ...(i.pull_request ? { pull_request: i.pull_request } : {}),
  });

  const handle = (req: GithubRequest, res: ServerResponse) => {
    const fault = faults.find(
      (f) =>
        (!f.method || f.method === req.method) && (!f.path || f.path.test(req.path)) && (f.times ?? 1) > 0,
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      return send(res, fault.status, fault.body ?? { message: `fault ${fault.status}` }, fault.headers);
    }
    const auth = req.headers.authorization;
    if (auth !== `token ${token}` && auth !== `Bearer ${token}`) {
      return send(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(req.path);
    const name = m ? `${m[1]}/${m[2]}` : '';
    const list = repos.get(name);
    if (!m || !list)
      return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    if (req.method === 'POST') {
      const b = req.body as { title: string; body?: string; labels?: string[] };
      const issue: FakeIssue = {
        number: next++,
        title: b.title,
        body: b.body ?? '',
        labels: b.labels ?? [],
        state: 'open',
      };
      list.push(issue);
      return send(res, 201, toJson(name, issue));
    }
    const wanted = (req.query.labels ?? '').split(',').filter(Boolean);
    const matching = list.filter(
      (i) => i.state === (req.query.state ?? 'open') && wanted.every((l) => i.labels.includes(l)),
    );
    const perPage = Math.min(Number(req.query.per_page ?? 30), opts.perPageMax ?? 100);
    const page = Number(req.query.page ?? 1);
    const slice = matching.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < matching.length) {
      const q = new URLSearchParams({ ...req.query, page: String(page + 1) });
      headers.link = `<${base}${req.path}?${q}>; rel="next"`;
    }
    return send(
      res,
      200,
      slice.map((i) => toJson(name, i)),
      headers,
    );
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const r: GithubRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
      };
      requests.push(r);
      handle(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    repos,
    addIssue(repo, partial) {
      const issue: FakeIssue = { number: next++, body: '', labels: [], state: 'open', ...partial };
      repos.get(repo)?.push(issue);
      return issue;
    },
    fault: (f) => void faults.push({ ...f }),
    creates: () => requests.filter((r) => r.method === 'POST'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A primary rate-limit reply whose window resets about a second from now. */
export function rateLimitFault(method = 'POST'): Fault {
  return {
    method,
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
    },
    body: {
      message: 'API rate limit exceeded for user ID 1.',
      documentation_url: 'https://docs.github.com/rest',
    },
  };
}
