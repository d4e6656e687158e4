// One agency down leaves the rest of the region on screen (issue 16), with real
// processes: the four subgraphs and the gateway, each started as deployed and
// configured by environment variables only. Each agency in turn is stopped for
// real, killed (SIGKILL, then started again on its port) or hung (SIGSTOP,
// then SIGCONT), under one query that spans all four. Last-known figures are
// off here (test/processes.ts), so the down agency's fields are null with an
// error; test/last-known.test.ts has them on.
import { signToken, type GraphQLResponse } from './harness';
import { eventually, killProcess, metricValue, scrape, serviceEnv, startServiceProcess, type ServiceProcess } from './processes';

const AGENCIES = ['judicial', 'legal-aid', 'education', 'partners'] as const;
type Agency = (typeof AGENCIES)[number];

// Far above what a call takes even on a loaded machine, so that a request that waited for it stands out.
const SUBGRAPH_TIMEOUT_MS = 3000;
const REQUEST_TIMEOUT_MS = 8000;
/** Once the gateway knows an agency is down, a request is answered within this. */
const FAST_MS = 200;
const COUNTY = '652922';

/**
 * Every agency's figures for one county, and one record of each agency from a
 * nullable root field, each with the region it refers to (the judicial
 * subgraph's directory). Non-null root fields (`partners`, `regions`...) are
 * left out: when their agency is down GraphQL nulls the whole answer.
 */
const DEGRADATION = `query Degradation($partner: ID!, $project: ID!, $event: ID!, $case: ID!) {
  region(code: "${COUNTY}") {
    code name level
    judicialStats { offices standardized demonstration mediationCases mediationResolved }
    legalAidStats { applications accepted rejected closed }
    educationStats { events attendees demonstrationVillages legalUnderstandingPersons }
    revitalizationStats { partners projects projectsLegallyReviewed residentTeams budgetYuan }
  }
  partner(id: $partner) { id name kind regions { code name } }
  project(id: $project) { id title budgetYuan village { code name } }
  educationEvent(id: $event) { id title attendees region { code name } }
  legalAidCase(id: $case) { id caseNumber status region { code name } }
  campaigns { id title }
}`;

type Data = Record<string, any>;

/** What each agency's failure nulls in the answer to DEGRADATION: its own fields, and the references that need it. */
const NULLED: Record<Agency, (data: Data) => void> = {
  judicial: (data) => {
    data.region = null;
    data.partner.regions = null;
    data.project.village = null;
    data.educationEvent.region = null;
    data.legalAidCase.region = null;
  },
  'legal-aid': (data) => {
    data.region.legalAidStats = null;
    data.legalAidCase = null;
  },
  education: (data) => {
    data.region.educationStats = null;
    data.educationEvent = null;
    data.campaigns = null;
  },
  partners: (data) => {
    data.region.revitalizationStats = null;
    data.partner = null;
    data.project = null;
  },
};

function withoutAgency(data: Data, agency: Agency): Data {
  const copy = structuredClone(data);
  NULLED[agency](copy);
  return copy;
}

/** Nothing a client may not see: no URL, network error, status body or stack. */
const LEAKS = /localhost|127\.0\.0\.1|https?:\/\/|ECONN|UND_ERR|socket|fetch failed|stack|\.ts\b|HTTP \d{3}|at \w+ \(/i;

describe('one agency down leaves the rest of the region on screen (four subgraphs and the gateway as processes)', () => {
  const services = {} as Record<Agency, ServiceProcess>;
  const envs = {} as Record<Agency, NodeJS.ProcessEnv>;
  let gateway: ServiceProcess;
  let token: string;
  let variables: Record<string, string>;
  let baseline: Data;
  /** Calls to each agency that one DEGRADATION request makes. */
  const fetches = {} as Record<Agency, number>;

  const post = async (query: string, vars?: unknown): Promise<GraphQLResponse & { ms: number }> => {
    const started = performance.now();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: vars }),
    });
    const body = (await response.json()) as GraphQLResponse;
    return { ...body, status: response.status, ms: performance.now() - started };
  };
  const degradation = () => post(DEGRADATION, variables);
  const full = async () => {
    const response = await degradation();
    return !response.errors && JSON.stringify(response.data) === JSON.stringify(baseline);
  };
  /**
   * How long the quickest of three fail-fast requests may take: FAST_MS more than the quickest of
   * three of the same query with every agency up, measured just before. On a quiet machine the
   * healthy query takes tens of milliseconds, so this is the issue's 200 ms; on a loaded one (the
   * whole suite on two cores) the other agencies' calls take longer too, and what is tested stays
   * the same: no request waits for the down agency's timeout (SUBGRAPH_TIMEOUT_MS) again.
   */
  /** Three requests with the agency known down: none waits for its timeout; the quickest within `fast`. */
  const expectFast = async (agency: Agency, fast: number): Promise<void> => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const next = await degradation();
      expectDegraded(next, agency, ['SUBGRAPH_UNAVAILABLE']);
      expect(next.ms).toBeLessThan(SUBGRAPH_TIMEOUT_MS - 100);
      times.push(next.ms);
    }
    expect(Math.min(...times)).toBeLessThan(fast);
  };
  const fastBound = async (): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await degradation()).ms);
    return Math.min(FAST_MS + Math.min(...times), SUBGRAPH_TIMEOUT_MS - 100);
  };

  beforeAll(async () => {
    token = await signToken({ sub: 'analyst-16', agency: 'legal-aid', scope: 'legal-aid:cases' }, { expiresIn: '1h' });
    const started = await Promise.all(
      AGENCIES.map(async (agency) => {
        const prefix = agency.toUpperCase().replace('-', '_');
        envs[agency] = serviceEnv({ [`${prefix}_PORT`]: '0' });
        const service = await startServiceProcess(agency, envs[agency]);
        // Started again on the same port after a kill.
        envs[agency][`${prefix}_PORT`] = String(service.port);
        return [agency, service] as const;
      }),
    );
    for (const [agency, service] of started) services[agency] = service;
    gateway = await startServiceProcess(
      'gateway',
      serviceEnv({
        GATEWAY_PORT: '0',
        JUDICIAL_URL: services.judicial.url,
        LEGAL_AID_URL: services['legal-aid'].url,
        EDUCATION_URL: services.education.url,
        PARTNERS_URL: services.partners.url,
        GATEWAY_SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS),
        GATEWAY_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        GATEWAY_SUBGRAPH_RETRY_BACKOFF_MS: '20',
        GATEWAY_PROBE_INTERVAL_MS: '200',
        GATEWAY_PROBE_TIMEOUT_MS: '300',
        GATEWAY_SUPERGRAPH_WATCH: 'off',
      }),
    );
    const ids = await post(`{
      partners(first: 1) { nodes { id } }
      region(code: "650000") { projects(first: 1) { nodes { id } } educationEvents(first: 1) { nodes { id } } legalAidCases(first: 1) { nodes { id } } }
    }`);
    expect(ids.errors).toBeUndefined();
    const region = ids.data!.region;
    variables = { partner: ids.data!.partners.nodes[0].id, project: region.projects.nodes[0].id, event: region.educationEvents.nodes[0].id, case: region.legalAidCases.nodes[0].id };

    const first = await degradation();
    expect(first.errors).toBeUndefined();
    baseline = first.data!;
    // Every part of the answer is there, from each agency.
    expect(baseline.region.legalAidStats.applications).toBeGreaterThan(0);
    expect(baseline.region.educationStats.events).toBeGreaterThan(0);
    expect(baseline.region.revitalizationStats.projects).toBeGreaterThan(0);
    for (const path of ['partner', 'project', 'educationEvent', 'legalAidCase']) expect(baseline[path]).not.toBeNull();
    expect(baseline.partner.regions.length).toBeGreaterThan(0);
    expect(baseline.campaigns.length).toBeGreaterThan(0);

    // How many fetches one request makes to each agency (batched into fewer calls): the number of errors when it is down.
    const before = await scrape(gateway);
    expect(await full()).toBe(true);
    const after = await scrape(gateway);
    for (const agency of AGENCIES) {
      fetches[agency] = metricValue(after, 'hub_subgraph_fetches_total', { subgraph: agency }) - metricValue(before, 'hub_subgraph_fetches_total', { subgraph: agency });
      expect(fetches[agency]).toBeGreaterThan(0);
    }
  }, 300_000);

  afterAll(async () => {
    await killProcess(gateway);
    for (const agency of AGENCIES) await killProcess(services[agency]);
  });

  /** The other agencies' figures as before; the down agency's fields null; one error per failed call, naming it. */
  function expectDegraded(response: GraphQLResponse, agency: Agency, codes: string[]): void {
    expect(response.status).toBe(200);
    expect(response.data).toEqual(withoutAgency(baseline, agency));
    expect(response.errors).toHaveLength(fetches[agency]);
    for (const error of response.errors!) {
      expect(codes).toContain(error.extensions?.code);
      expect(error.extensions).toEqual({ code: error.extensions?.code, agency });
      expect(error.message).toMatch(new RegExp(`^The ${agency} agency (is unavailable|timed out)`));
    }
    expect(JSON.stringify(response.errors)).not.toMatch(LEAKS);
  }

  /** With the judicial subgraph down, the other agencies' root lists still answer: their regions are null. */
  async function expectRootListsWithoutDirectory(): Promise<void> {
    const response = await post(`{ partners(first: 3) { totalCount nodes { id name regions { code name } } } }`);
    expect(response.data!.partners.totalCount).toBeGreaterThan(0);
    expect(response.data!.partners.nodes).toHaveLength(3);
    for (const node of response.data!.partners.nodes) expect(node).toEqual({ id: expect.any(String), name: expect.any(String), regions: null });
    expect(response.errors!.length).toBeGreaterThan(0);
    for (const error of response.errors!) expect(error.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', agency: 'judicial' });
    // Judicial is known down: no wait for its timeout.
    expect(response.ms).toBeLessThan(SUBGRAPH_TIMEOUT_MS - 100);
  }

  describe.each(AGENCIES)('%s down', (agency) => {
    test('killed (SIGKILL): the rest answered as before, fast after the first failure; started again on its port, fresh figures without a gateway restart', async () => {
      // Every agency answering again (the test before may have ended with one still coming back).
      await eventually(full, 30_000, 100);
      const fast = await fastBound();
      const gatewayPid = gateway.pid;
      services[agency].child.kill('SIGKILL');
      await services[agency].exited;

      try {
        const first = await degradation();
        expectDegraded(first, agency, ['SUBGRAPH_UNAVAILABLE']);
        expect(first.ms).toBeLessThan(REQUEST_TIMEOUT_MS);
        await expectFast(agency, fast);
        if (agency === 'judicial') await expectRootListsWithoutDirectory();
      } finally {
        // Started again on its port, whatever happened above (the next tests need it).
        services[agency] = await startServiceProcess(agency, envs[agency]);
      }
      await eventually(full, 30_000, 100);
      expect(gateway.pid).toBe(gatewayPid);
      expect(gateway.child.exitCode).toBeNull();
    }, 180_000);

    test('hung (SIGSTOP): the first request waits for the timeout, the next ones do not; answering again (SIGCONT), fresh figures', async () => {
      await eventually(full, 30_000, 100);
      const fast = await fastBound();
      services[agency].child.kill('SIGSTOP');
      try {
        const first = await degradation();
        expectDegraded(first, agency, ['SUBGRAPH_TIMEOUT', 'SUBGRAPH_UNAVAILABLE']);
        expect(first.errors!.some((error) => error.extensions?.code === 'SUBGRAPH_TIMEOUT')).toBe(true);
        expect(first.ms).toBeGreaterThanOrEqual(SUBGRAPH_TIMEOUT_MS - 100);
        expect(first.ms).toBeLessThan(REQUEST_TIMEOUT_MS);
        await expectFast(agency, fast);
        if (agency === 'judicial') await expectRootListsWithoutDirectory();
      } finally {
        services[agency].child.kill('SIGCONT');
      }
      await eventually(full, 30_000, 100);
      const ready = (await (await fetch(`${gateway.admin}/ready`)).json()) as { subgraphs: Record<string, { health: unknown }> };
      expect(ready.subgraphs[agency].health).toEqual({ up: true });
    }, 120_000);
  });
});
