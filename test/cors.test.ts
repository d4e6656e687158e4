// Dashboards on another origin (gateway/cors.ts): a preflight from a listed
// origin is answered with what it may send, from any other origin it is
// refused; no origin is listed by default; a listed origin's answers carry its
// CORS headers, another's none; and Apollo's CSRF prevention still refuses a
// request a browser sends without a preflight, even from a listed origin.
// Requests go over HTTP to real gateways; `{ __typename }` needs no subgraph.
import { corsOriginsFromEnv } from '../gateway/cors';
import { startGateway, type RunningGateway } from '../gateway/gateway';
import { testGatewayKeys } from './harness';

const DASHBOARD = 'https://dashboard.example.org';
const OTHER = 'https://evil.example.net';
/** No subgraph is called by these requests; their URLs point where nothing listens. */
const NOWHERE = { judicial: 'http://127.0.0.1:9/graphql', 'legal-aid': 'http://127.0.0.1:9/graphql', education: 'http://127.0.0.1:9/graphql', partners: 'http://127.0.0.1:9/graphql' };

function preflight(gateway: RunningGateway, origin: string, headers = 'content-type, authorization'): Promise<Response> {
  return fetch(gateway.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers } });
}

function post(gateway: RunningGateway, origin: string, contentType = 'application/json'): Promise<Response> {
  return fetch(gateway.url, { method: 'POST', headers: { origin, 'content-type': contentType }, body: JSON.stringify({ query: '{ __typename }' }) });
}

describe('cross-origin requests to the gateway', () => {
  let closed: RunningGateway;
  let open: RunningGateway;
  beforeAll(async () => {
    const common = { port: 0, ...testGatewayKeys(), responseCache: false, subgraphUrls: NOWHERE };
    closed = await startGateway(common);
    open = await startGateway({ ...common, corsOrigins: [DASHBOARD, 'http://localhost:5173'] });
  });
  afterAll(async () => {
    await closed?.stop();
    await open?.stop();
  });

  test('a preflight from a listed origin is answered 204 with the origin, methods and headers it may use', async () => {
    const response = await preflight(open, DASHBOARD, 'content-type, authorization, x-request-id');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual(expect.arrayContaining(['content-type', 'authorization', 'x-request-id']));
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await preflight(open, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  test('a preflight from any other origin is refused (403, no CORS header): the browser sends nothing', async () => {
    for (const origin of [OTHER, `${DASHBOARD}:8443`, 'http://dashboard.example.org', 'null']) {
      const response = await preflight(open, origin);
      expect({ origin, status: response.status, allow: response.headers.get('access-control-allow-origin') }).toEqual({ origin, status: 403, allow: null });
      expect(await response.json()).toEqual({ errors: [{ message: 'Cross-origin requests from this origin are not allowed', extensions: { code: 'FORBIDDEN' } }] });
    }
  });

  test('with no origin listed (the default), every preflight is refused', async () => {
    const response = await preflight(closed, DASHBOARD);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  test("a listed origin's requests are answered with its CORS headers; another origin's without any", async () => {
    const mine = await post(open, DASHBOARD);
    expect(mine.status).toBe(200);
    expect(await mine.json()).toEqual({ data: { __typename: 'Query' } });
    expect(mine.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(mine.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(mine.headers.get('vary')).toMatch(/Origin/);
    for (const [gateway, origin] of [[open, OTHER], [closed, DASHBOARD]] as const) {
      const theirs = await post(gateway, origin);
      expect(theirs.status).toBe(200);
      expect(theirs.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  test('CSRF prevention stays on: a POST a browser sends without a preflight (text/plain, a form) is refused, even from a listed origin', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await post(open, DASHBOARD, contentType);
      expect({ contentType, status: response.status }).toEqual({ contentType, status: 400 });
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('BAD_REQUEST');
    }
    const get = await fetch(`${open.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: DASHBOARD } });
    expect(get.status).toBe(400);
  });

  test('GATEWAY_CORS_ORIGINS takes exact origins; "*", a path or a trailing slash stops the gateway from starting', () => {
    const withOrigins = (value: string) => {
      const saved = process.env.GATEWAY_CORS_ORIGINS;
      process.env.GATEWAY_CORS_ORIGINS = value;
      try {
        return corsOriginsFromEnv();
      } finally {
        if (saved === undefined) delete process.env.GATEWAY_CORS_ORIGINS;
        else process.env.GATEWAY_CORS_ORIGINS = saved;
      }
    };
    expect(withOrigins(`${DASHBOARD}, http://localhost:5173`)).toEqual([DASHBOARD, 'http://localhost:5173']);
    expect(withOrigins('')).toEqual([]);
    for (const bad of ['*', `${DASHBOARD}/`, `${DASHBOARD}/app`, 'dashboard.example.org', 'ftp://files.example.org']) {
      expect(() => withOrigins(bad)).toThrow(/GATEWAY_CORS_ORIGINS takes origins/);
    }
  });
});
