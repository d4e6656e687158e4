// The clients of the cluster test (test/cluster.test.ts): four of them, each
// sending, one after the other, cross-agency queries and, every fourth
// request, an idempotent create of an education event, through HAProxy, until
// stopped. A query fails on any error; a create is repeated by the client with
// its requestId (contract/write.graphql: the same requestId writes nothing
// more) until answered, and fails on an error that repeating cannot mend.
import { postGraphQL } from './harness';

/** Wensu County (652922) of Aksu prefecture (652900): a village of Yeken Town. */
export const VILLAGE = '652922100201';
export const RECORD = 'mutation($input: RecordEducationEventInput!) { recordEducationEvent(input: $input) { id title } }';
/** Reads all four agencies for one village (the gateway calls every subgraph). */
const ACROSS = `query($code: ID!) { region(code: $code) { code name
  judicialStats { __typename } legalAidStats { __typename } revitalizationStats { __typename }
  educationStats { events attendees } educationEvents(first: 0) { totalCount } } }`;

/** An education event in VILLAGE, titled after its requestId. */
export const lectureInput = (requestId: string) => ({
  requestId, title: `Cluster lecture ${requestId}`, theme: 'CIVIL_CODE', format: 'LECTURE', heldOn: '2022-05-12', regionCode: VILLAGE, attendees: 10, languages: ['Uyghur'],
});

export interface ClientStream {
  /** Each failed request, as `query: ...` or `create <requestId>: ...`. */
  failures: string[];
  /** requestId -> the created event's id. */
  created: Map<string, string>;
  /** Queries answered so far (failed or not). */
  queries(): number;
  /** Creates the client had to send again. */
  clientRepeats(): number;
  /** Stops sending and waits for the requests under way. */
  stop(): Promise<void>;
}

/** Starts the clients against `url`; requestIds are `<requestPrefix><n>`. */
export function startClientStream(url: string, authorization: Record<string, string>, requestPrefix: string): ClientStream {
  const failures: string[] = [];
  const created = new Map<string, string>();
  let queries = 0;
  let clientRepeats = 0;
  let running = true;
  let serial = 0;
  const post = (body: unknown) => postGraphQL<any>(url, body, authorization).catch((error: Error) => ({ status: 0, errors: [{ message: error.message }] }) as any);

  const query = async (): Promise<void> => {
    const response = await post({ query: ACROSS, variables: { code: VILLAGE } });
    queries++;
    if (response.status !== 200 || response.errors) failures.push(`query: HTTP ${response.status} ${JSON.stringify(response.errors)}`);
  };
  const create = async (): Promise<void> => {
    const requestId = `${requestPrefix}${++serial}`;
    const input = lectureInput(requestId);
    for (let attempt = 0; ; attempt++) {
      const response = await post({ query: RECORD, variables: { input } });
      if (response.status === 200 && !response.errors) {
        created.set(requestId, response.data.recordEducationEvent.id);
        return;
      }
      const codes = (response.errors ?? []).map((e: any) => e.extensions?.code);
      if (codes.some((code: string) => code === 'BAD_USER_INPUT' || code === 'FORBIDDEN' || code === 'CONFLICT') || attempt >= 20) {
        failures.push(`create ${requestId}: HTTP ${response.status} ${JSON.stringify(response.errors)}`);
        return;
      }
      clientRepeats++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const worker = async (n: number): Promise<void> => {
    for (let i = 0; running; i++) await ((i + n) % 4 === 0 ? create() : query());
  };
  const workers = [0, 1, 2, 3].map(worker);
  return {
    failures,
    created,
    queries: () => queries,
    clientRepeats: () => clientRepeats,
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}
