// How the gateway calls a subgraph. A subgraph answers bad input in a variable
// or literal (an invalid Date, say) with HTTP 400 and a GraphQL error body;
// the stock data source would turn that into "400: Bad Request" carrying the
// subgraph's URL. Here the subgraph's own error, with its code, is passed on.
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';

const PASSED_ON = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);

type SubgraphResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];

export class HubDataSource extends RemoteGraphQLDataSource {
  override async errorFromResponse(response: SubgraphResponse): Promise<GraphQLError> {
    const body = (await this.parseBody(response).catch(() => null)) as { errors?: { message?: string; extensions?: { code?: string; field?: string } }[] } | null;
    const first = body?.errors?.find((error) => PASSED_ON.has(String(error.extensions?.code)));
    if (first) {
      const { code, field } = first.extensions ?? {};
      return new GraphQLError(String(first.message), { extensions: { code, ...(field ? { field } : {}) } });
    }
    return new GraphQLError(`subgraph answered HTTP ${response.status}`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
}
