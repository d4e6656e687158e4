// Running one service (a subgraph or the gateway) as its own process: progress
// lines on stdout, a `ready` message to the launcher when there is one (IPC),
// and a clean stop on SIGTERM or SIGINT.

export interface StartedService {
  url: string;
  stop(): Promise<void>;
}

export type ServiceMessage = { type: 'progress'; message: string } | { type: 'ready'; url: string } | { type: 'failed'; message: string };

function tell(message: ServiceMessage): void {
  process.send?.(message);
}

export function progressLogger(name: string): (message: string) => void {
  return (message) => {
    console.log(`[${name}] ${message}`);
    tell({ type: 'progress', message });
  };
}

export async function runServiceProcess(name: string, start: (progress: (message: string) => void) => Promise<StartedService>): Promise<void> {
  const progress = progressLogger(name);
  let service: StartedService;
  try {
    service = await start(progress);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[${name}] failed to start: ${message}`);
    tell({ type: 'failed', message });
    process.exitCode = 1;
    // Let the message reach the launcher before the channel closes.
    setTimeout(() => process.exit(1), 50);
    return;
  }
  console.log(`[${name}] ready at ${service.url}`);
  tell({ type: 'ready', url: service.url });
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`[${name}] ${signal}: stopping`);
    try {
      await service.stop();
      process.exit(0);
    } catch (error) {
      console.error(`[${name}] error while stopping:`, error);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // The launcher went away: stop rather than linger as an orphan.
  process.on('disconnect', () => void stop('launcher gone'));
}
