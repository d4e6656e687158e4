// Issue 18: mutual TLS between the gateway and the subgraphs, with
// certificates made for the test by openssl (a CA, a server certificate for
// the subgraphs, a client certificate for the gateway, and an intruder's CA
// and certificate). Through the gateway everything answers; straight to a
// subgraph, a client without a certificate, with one another CA signed, or
// speaking plain HTTP gets no answer at all, and one with the right
// certificate still needs the gateway's identity. A gateway that does not
// trust the subgraphs' CA gets SUBGRAPH_UNAVAILABLE (no plaintext fallback).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGateway } from '../gateway/gateway';
import type { HubTls } from '../platform/server/tls';
import { identityHeaders, postGraphQL, startHub, testGatewayKeys, type Hub } from './harness';

const dir = mkdtempSync(path.join(tmpdir(), 'hub-mtls-'));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

/** A CA; certificates it signs for `cn` with the given extensions. */
function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), '-days', '1', '-subj', `/CN=${name}`);
}
function makeCert(ca: string, name: string, cn: string, extensions: string): void {
  writeFileSync(file(`${name}.ext`), `${extensions}\n`);
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${cn}`);
  openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.crt`), '-CAkey', file(`${ca}.key`), '-set_serial', String(Date.now()), '-out', file(`${name}.crt`), '-days', '1', '-extfile', file(`${name}.ext`));
}
const tlsOf = (ca: string, name: string): HubTls => ({ ca: readFileSync(file(`${ca}.crt`), 'utf8'), cert: readFileSync(file(`${name}.crt`), 'utf8'), key: readFileSync(file(`${name}.key`), 'utf8') });

/** POST over HTTPS with the given client certificate (or none): the status and body, or the connection's error code. */
function httpsPost(url: string, body: string, headers: Record<string, string>, client: Partial<HubTls> & { ca: string }): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const request = https.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, ca: client.ca, cert: client.cert, key: client.key }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: text }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end(body);
  });
}

describe('mutual TLS between the gateway and the subgraphs', () => {
  let hub: Hub;
  let server: HubTls;
  let gatewayTls: HubTls;
  beforeAll(async () => {
    makeCa('hub-ca');
    makeCert('hub-ca', 'subgraph', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth');
    makeCert('hub-ca', 'gateway', 'gateway', 'extendedKeyUsage=clientAuth');
    makeCa('intruder-ca');
    makeCert('intruder-ca', 'intruder', 'gateway', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=clientAuth,serverAuth');
    server = tlsOf('hub-ca', 'subgraph');
    gatewayTls = tlsOf('hub-ca', 'gateway');
    hub = await startHub({ seedScale: 0.05, only: ['judicial', 'education'], subgraph: { tls: server }, gateway: { subgraphTls: gatewayTls, startupWaitFor: ['judicial', 'education'] } });
  });
  afterAll(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('through the gateway, the subgraphs answer over mutual TLS', async () => {
    expect(hub.subgraphs.judicial.url).toMatch(/^https:/);
    const { status, data, errors } = await hub.query('{ region(code: "652922") { name judicialStats { offices } educationStats { events } } }');
    expect({ status, errors }).toEqual({ status: 200, errors: undefined });
    expect(data!.region.judicialStats.offices).toBeGreaterThan(0);
    expect(data!.region.educationStats.events).toBeGreaterThanOrEqual(0);
    // The gateway's readiness probes each subgraph's /health over mutual TLS too.
    const ready = (await (await fetch(`${hub.gateway.adminUrl}/ready`)).json()) as { ready: boolean };
    expect(ready.ready).toBe(true);
  });

  test('straight to a subgraph: no certificate, another CA\'s certificate, or plain HTTP get no answer; the right certificate still needs the identity', async () => {
    const body = JSON.stringify({ query: '{ region(code: "652922") { name } }' });
    const url = hub.subgraphs.judicial.url;
    const noCert = await httpsPost(url, body, identityHeaders('judicial', body), { ca: server.ca });
    expect(noCert).toEqual({ error: expect.any(String) });
    const intruder = tlsOf('intruder-ca', 'intruder');
    const otherCa = await httpsPost(url, body, identityHeaders('judicial', body), { ca: server.ca, cert: intruder.cert, key: intruder.key });
    expect(otherCa).toEqual({ error: expect.any(String) });
    const plain = await postGraphQL(url.replace('https:', 'http:'), body, identityHeaders('judicial', body)).catch((error: Error) => ({ error: error.message }));
    expect(plain).toEqual({ error: expect.any(String) });

    const withoutIdentity = await httpsPost(url, body, {}, gatewayTls);
    expect(withoutIdentity).toMatchObject({ status: 401 });
    expect(JSON.parse((withoutIdentity as { body: string }).body).errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'IDENTITY_MISSING' });
    const both = await httpsPost(url, body, identityHeaders('judicial', body), gatewayTls);
    expect(both).toMatchObject({ status: 200 });
    expect(JSON.parse((both as { body: string }).body).data.region.name).toEqual(expect.any(String));
  });

  test('a gateway that does not trust the subgraphs\' CA gets SUBGRAPH_UNAVAILABLE, never a plaintext answer', async () => {
    const stranger = await startGateway({
      port: 0,
      ...testGatewayKeys(),
      responseCache: false,
      subgraphCalls: { retries: 0 },
      subgraphTls: tlsOf('intruder-ca', 'intruder'),
      // Configured as http: under mutual TLS the gateway calls https regardless.
      subgraphUrls: { judicial: hub.subgraphs.judicial.url.replace('https:', 'http:'), education: hub.subgraphs.education.url },
    });
    try {
      const { data, errors } = await postGraphQL<{ region: unknown }>(stranger.url, { query: '{ region(code: "652922") { name } }' });
      expect(data?.region ?? null).toBeNull();
      expect(errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', agency: 'judicial' });
    } finally {
      await stranger.stop();
    }
  });
});
