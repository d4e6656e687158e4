// How the gateway calls a subgraph. A subgraph answers bad input in a variable
// or literal (an invalid Date, say) with HTTP 400 and a GraphQL error body;
// the stock data source would turn that into "400: Bad Request" carrying the
// subgraph's URL. Here the subgraph's own error, with its code, is passed on.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { IDENTITY_HEADER, REQUEST_ID_HEADER } from '../platform/identity';
import type { GatewayContext } from './context';

const PASSED_ON = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);

type SubgraphResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];

export class HubDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  /**
   * Every subgraph call carries the caller's verified identity, signed by the
   * gateway. Nothing the client sent is forwarded: the outgoing request is
   * built here, so a client's own `x-hub-identity` never reaches a subgraph.
   */
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Apollo's own calls (e.g. health checks) come without a request context.
    if (!('identityToken' in context)) return;
    request.http!.headers.set(IDENTITY_HEADER, await context.identityToken());
    request.http!.headers.set(REQUEST_ID_HEADER, context.requestId);
  }

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
