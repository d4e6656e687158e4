// Structured logs (pino): one JSON object a line on stdout, with the service's
// name on every line. LOG_LEVEL sets the level (default `info`; `silent` under
// jest, so test runs stay quiet unless a test asks for logs).
import pino, { type Logger } from 'pino';
import { stringFromEnv } from './config';

export type { Logger };

/**
 * What a starting service tells of its progress. A heartbeat only says that
 * the last thing told is still going on (a launcher may show it differently).
 */
export type Progress = (message: string, options?: { heartbeat?: boolean }) => void;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevelFromEnv(): string {
  const raw = stringFromEnv('LOG_LEVEL');
  if (raw === undefined) return process.env.JEST_WORKER_ID !== undefined ? 'silent' : 'info';
  if (!(LEVELS as readonly string[]).includes(raw)) throw new Error(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, not "${raw}"`);
  return raw;
}

/**
 * Standard output as the services log to it: synchronously (a line is out when
 * the call returns, nothing is left to flush at exit). When its reader has
 * gone (EPIPE: the launcher was killed), logging stops there, instead of
 * retrying a line that can never be written, and `onClosed` is told.
 */
export function stdoutDestination(onClosed?: () => void): pino.DestinationStream {
  const stream = pino.destination({ dest: 1, sync: true });
  if (onClosed) stream.on('error', (error: NodeJS.ErrnoException) => error.code === 'EPIPE' && onClosed());
  return stream;
}

/** A logger for one service (`gateway`, `judicial`, ...); lines carry `service`. */
export function createLogger(service: string, options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? logLevelFromEnv(),
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors keep their stack in the log (never in an answer to a client).
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination ?? stdoutDestination(),
  );
}
