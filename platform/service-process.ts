// Running one service (a subgraph or the gateway) as its own process: JSON log
// lines on stdout (pino), progress and a `ready` message to the launcher when
// there is one (IPC), tracing when an OTLP endpoint is configured, and a clean
// stop on SIGTERM or SIGINT: no new connections, requests in flight finish
// within SHUTDOWN_GRACE_MS, the database pool closes, spans are flushed, exit 0.
import { shutdownGraceFromEnv } from './config';
import { createLogger, type Logger } from './log';
import { startTracing } from './tracing';

export interface StartedService {
  url: string;
  /** Drains requests in flight (within the service's grace period) and closes everything. */
  stop(): Promise<void>;
}

export type ServiceMessage = { type: 'progress'; message: string } | { type: 'ready'; url: string } | { type: 'failed'; message: string };

function tell(message: ServiceMessage): void {
  process.send?.(message);
}

export function progressLogger(logger: Logger): (message: string) => void {
  return (message) => {
    logger.info(message);
    tell({ type: 'progress', message });
  };
}

export async function runServiceProcess(
  name: string,
  start: (progress: (message: string) => void, logger: Logger) => Promise<StartedService>,
): Promise<void> {
  const logger = createLogger(name);
  const progress = progressLogger(logger);
  let service: StartedService;
  let tracing: Awaited<ReturnType<typeof startTracing>> = null;
  try {
    // Before the service starts, so that its first request is traced.
    tracing = await startTracing(name);
    if (tracing) progress('tracing: exporting spans over OTLP');
    service = await start(progress, logger);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error({ reason: message }, 'failed to start');
    tell({ type: 'failed', message });
    process.exitCode = 1;
    // Let the message reach the launcher before the channel closes.
    setTimeout(() => process.exit(1), 50);
    return;
  }
  logger.info({ url: service.url }, 'ready');
  tell({ type: 'ready', url: service.url });
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections, finishing requests in flight');
    // A stop that hangs past the grace period (and some) ends the process as a failure.
    setTimeout(() => {
      logger.error('stopping did not finish in time');
      process.exit(1);
    }, shutdownGraceFromEnv() + 5_000);
    try {
      await service.stop();
      await tracing?.shutdown();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // The launcher went away: stop rather than linger as an orphan.
  process.on('disconnect', () => void stop('launcher gone'));
}
