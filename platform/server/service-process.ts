// Running one service (a subgraph or the gateway) as its own process: JSON log
// lines on stdout (pino), progress and a `ready` message to the launcher when
// there is one (IPC), tracing when an OTLP endpoint is configured, and a clean
// stop on SIGTERM or SIGINT: no new connections, requests in flight finish
// within SHUTDOWN_GRACE_MS, the database pool closes, spans are flushed, exit 0.
// When the launcher dies (its IPC channel closes, or standard output's reader
// is gone), the service stops logging and exits within LAUNCHER_GONE_EXIT_MS:
// a hub is not left running without the terminal that started it.
import { shutdownGraceFromEnv } from '../core/config';
import { createLogger, stdoutDestination, type Logger, type Progress } from '../core/log';
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
  let stop: Stop | undefined;
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
  const started = await startService(name, () => start(progress, logger), progress, logger);
  if (!started) return;
  logger.info({ url: started.service.url, adminUrl: started.service.adminUrl }, 'ready');
  tell({ type: 'ready', url: started.service.url, adminUrl: started.service.adminUrl });
  const stopOnce = stopper(started.service, started.tracing, logger);
  stop = stopOnce;
  process.on('SIGTERM', () => void stopOnce('SIGTERM'));
  process.on('SIGINT', () => void stopOnce('SIGINT'));
  if (launcherGone) void stopOnce('launcher gone', LAUNCHER_GONE_GRACE_MS);
}

type Stop = (why: string, graceMs?: number) => Promise<void>;
type Tracing = Awaited<ReturnType<typeof startTracing>>;

/** Tracing first (so that the first request is traced), then the service; a failure is logged, told to the launcher and ends the process (undefined). */
async function startService(
  name: string,
  start: () => Promise<StartedService>,
  progress: Progress,
  logger: Logger,
): Promise<{ service: StartedService; tracing: Tracing } | undefined> {
  try {
    const tracing = await startTracing(name);
    if (tracing) progress('tracing: exporting spans over OTLP');
    return { service: await start(), tracing };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error({ reason: message }, 'failed to start');
    tell({ type: 'failed', message });
    process.exitCode = 1;
    // Let the message reach the launcher before the channel closes.
    setTimeout(() => process.exit(1), 50);
    return undefined;
  }
}

/** Stops once: drains the service, flushes the spans, exits 0; 1 after an error, or when stopping hangs past the grace period (and some). */
function stopper(service: StartedService, tracing: Tracing, logger: Logger): Stop {
  let stopping = false;
  return async (signal, graceMs) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections, finishing requests in flight');
    setTimeout(() => {
      logger.error('stopping did not finish in time');
      process.exit(1);
    }, (graceMs ?? shutdownGraceFromEnv()) + 5_000);
    try {
      await service.stop(graceMs);
      await tracing?.shutdown();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
}
