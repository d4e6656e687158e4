// Starts the gateway alone: `npm run start:gateway`.
import { runServiceProcess } from '../platform/server/service-process';
import { gatewayOptionsFromEnv, startGateway } from './gateway';

void runServiceProcess('gateway', async (progress, logger) => {
  const options = gatewayOptionsFromEnv();
  progress(`loading ${options.supergraphPath}`);
  return startGateway({ ...options, logger });
});
