// Starts the gateway alone: `npm run start:gateway`.
import { runServiceProcess } from '../platform/service-process';
import { gatewayOptionsFromEnv, startGateway } from './gateway';

void runServiceProcess('gateway', async (progress) => {
  progress('loading schema/supergraph.graphql');
  return startGateway(gatewayOptionsFromEnv());
});
