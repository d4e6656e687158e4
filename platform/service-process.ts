// Running one service (a subgraph or the gateway) as its own process: JSON log
// lines on stdout (pino), progress and a `ready` message to the launcher when
// there is one (IPC), tracing when an OTLP endpoint is configured, and a clean
// stop on SIGTERM or SIGINT: no new connections, requests in flight finish
// within SHUTDOWN_GRACE_MS, the database pool closes, spans are flushed, exit 0.
// When the launcher dies (its IPC channel closes, or standard output's reader
// is gone), the service stops logging and exits within LAUNCHER_GONE_EXIT_MS:
// a hub is not left running without the terminal that started it.
import { shutdownGraceFromEnv } from './config';
import { createLogger, stdoutDestination, type Logger, type Progress } from './log';
import { startTracing } from './tracing';

export interface StartedService {
  url: string;
  /** Base URL of its admin port (GET /ready, /metrics). */
  adminUrl?: string;
  /** Drains requests in flight (at most `graceMs`, default the service's grace period) and closes everything. */
  stop(graceMs?: number): Promise<void>;
}

export type ServiceMessage = { type: 'progress'; message: string; heartbeat?: boolean } | { type: 'ready'; url: string; adminUrl?: string } | { type: 'failed'; message: string };

function tell(message: ServiceMessage): void {
  process.send?.(message);
}

/** A service whose launcher has gone exits within this time, whatever it was doing. */
const LAUNCHER_GONE_EXIT_MS = 4_000;
/** ...after letting requests in flight finish for at most this long. */
const LAUNCHER_GONE_GRACE_MS = 2_000;

function progressLogger(logger: Logger): Progress {
  return (message, options) => {
    logger.info(message);
    tell({ type: 'progress', message, ...(options?.heartbeat ? { heartbeat: true } : {}) });
  };
}

export async function runServiceProcess(
  name: string,
  start: (progress: Progress, logger: Logger) => Promise<StartedService>,
): Promise<void> {
  let service: StartedService;
  let stop: ((why: string, graceMs?: number) => Promise<void>) | undefined;
  let launcherGone = false;
  const onLauncherGone = (why: string): void => {
    if (launcherGone) return;
    launcherGone = true;
    // Nobody reads the output any more: writing it could only fail.
    logger.level = 'silent';
    setTimeout(() => process.exit(1), LAUNCHER_GONE_EXIT_MS);
    // Still starting (seeding, say): nothing to drain, and the seed's transaction was never committed.
    if (!stop) process.exit(1);
    else void stop(why, LAUNCHER_GONE_GRACE_MS);
  };
  const logger = createLogger(name, { destination: stdoutDestination(() => onLauncherGone('standard output closed')) });
  const progress = progressLogger(logger);
  // From the start: a launcher killed while this service seeds must not leave it seeding for nobody.
  if (process.connected) process.on('disconnect', () => onLauncherGone('launcher gone'));
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
  logger.info({ url: service.url, adminUrl: service.adminUrl }, 'ready');
  tell({ type: 'ready', url: service.url, adminUrl: service.adminUrl });
  const started = service;
  let stopping = false;
  stop = async (signal: string, graceMs?: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections, finishing requests in flight');
    // A stop that hangs past the grace period (and some) ends the process as a failure.
    setTimeout(() => {
      logger.error('stopping did not finish in time');
      process.exit(1);
    }, (graceMs ?? shutdownGraceFromEnv()) + 5_000);
    try {
      await started.stop(graceMs);
      await tracing?.shutdown();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop?.('SIGTERM'));
  process.on('SIGINT', () => void stop?.('SIGINT'));
  if (launcherGone) void stop('launcher gone', LAUNCHER_GONE_GRACE_MS);
}
