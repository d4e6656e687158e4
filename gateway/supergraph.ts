// Where the gateway's supergraph comes from: a fixed SDL, or a file
// (schema/supergraph.graphql or SUPERGRAPH_PATH) that is reloaded when it
// changes: rewritten, replaced (`npm run compose` renames a new file over it),
// or, mounted from a Kubernetes ConfigMap, when the kubelet swaps the volume's
// `..data` link to the ConfigMap's new data. A reload goes through @apollo/gateway's `update` callback: requests
// already running finish on the plan they have, new ones get the new schema, so
// none is dropped. A file that does not load (unreadable, not a supergraph, not
// valid), or that breaks a registered operation or the public contract
// (the `guard`, gateway/supergraph-guard.ts), leaves the current supergraph in
// place, and the reason is logged and shown on GET /ready.
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '../platform/core/log';
import { describeRefusal, type SupergraphProblem } from './supergraph-guard';

export interface SupergraphState {
  source: 'file' | 'inline';
  path?: string;
  /** sha256 of the SDL being served, first 12 hex digits. */
  version?: string;
  loadedAt?: string;
  reloads: number;
  /** Why the latest change to the file was not taken, if it was not; `problems` when the guard refused it. */
  lastError?: { at: string; message: string; problems?: SupergraphProblem[] };
}

export interface SupergraphSource {
  hook: SupergraphSdlHook;
  state(): SupergraphState;
}

/** The symlink Kubernetes swaps to update a mounted ConfigMap's files at once (kubelet's AtomicWriter). */
export const KUBERNETES_DATA_LINK = '..data';

const version = (sdl: string): string => createHash('sha256').update(sdl).digest('hex').slice(0, 12);

export interface SupergraphFileOptions {
  /** Reload when the file changes (default true). */
  watch?: boolean;
  logger?: Logger;
  onReload?: (result: 'updated' | 'failed') => void;
  /** Quiet time after a change before the file is read (a writer may take several writes). */
  debounceMs?: number;
  /** Problems a new SDL has that the current one has not; any refuses the reload. */
  guard?: (next: string, current: string) => SupergraphProblem[];
}

export function inlineSupergraph(sdl: string): SupergraphSource {
  const state: SupergraphState = { source: 'inline', reloads: 0 };
  return {
    hook: async () => {
      Object.assign(state, { version: version(sdl), loadedAt: new Date().toISOString() });
      return { supergraphSdl: sdl };
    },
    state: () => ({ ...state }),
  };
}

export function supergraphFile(file: string, options: SupergraphFileOptions = {}): SupergraphSource {
  const absolute = path.resolve(file);
  const state: SupergraphState = { source: 'file', path: file, reloads: 0 };
  let update: ((sdl: string) => void) | undefined;
  let current: string | undefined;
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve<'updated' | 'unchanged' | 'failed'>('unchanged');

  const failed = (message: string, problems?: SupergraphProblem[]): 'failed' => {
    state.lastError = { at: new Date().toISOString(), message, ...(problems ? { problems } : {}) };
    options.logger?.error({ path: file, reason: message, ...(problems ? { problems } : {}) }, 'supergraph change not loaded: still serving the previous one');
    options.onReload?.('failed');
    return 'failed';
  };

  const reloadNow = (): 'updated' | 'unchanged' | 'failed' => {
    if (!update) return 'unchanged';
    let sdl: string;
    try {
      sdl = readFileSync(absolute, 'utf8');
    } catch (error) {
      return failed(`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (sdl === current) return 'unchanged';
    try {
      const problems = options.guard && current !== undefined ? options.guard(sdl, current) : [];
      if (problems.length) return failed(describeRefusal(problems), problems);
    } catch (error) {
      return failed(error instanceof Error ? error.message : String(error));
    }
    try {
      // Parses, validates and plans with the new supergraph; throws and keeps the old one if it is not valid.
      update(sdl);
    } catch (error) {
      return failed(error instanceof Error ? error.message : String(error));
    }
    current = sdl;
    Object.assign(state, { version: version(sdl), loadedAt: new Date().toISOString(), reloads: state.reloads + 1, lastError: undefined });
    options.logger?.info({ path: file, version: state.version }, 'supergraph reloaded');
    options.onReload?.('updated');
    return 'updated';
  };

  const reload = (): Promise<'updated' | 'unchanged' | 'failed'> => (running = running.then(reloadNow, reloadNow));

  const hook: SupergraphSdlHook = async ({ update: gatewayUpdate }) => {
    // The first load: a file that does not load stops the start (there is nothing to keep).
    const sdl = readFileSync(absolute, 'utf8');
    current = sdl;
    update = gatewayUpdate;
    Object.assign(state, { version: version(sdl), loadedAt: new Date().toISOString() });
    if (options.watch !== false) {
      // The folder is watched, not the file: editors and `npm run compose` replace the file
      // (a new file renamed over it); Kubernetes, updating a mounted ConfigMap, leaves the file
      // (a symlink into ..data) alone and swaps the symlink `..data` (its atomic writer).
      watcher = watch(path.dirname(absolute), (_event, name) => {
        if (name !== null && name !== path.basename(absolute) && name !== KUBERNETES_DATA_LINK) return;
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), options.debounceMs ?? 100);
      });
      watcher.on('error', (error) => options.logger?.error({ err: error, path: file }, 'watching the supergraph file failed'));
    }
    return {
      supergraphSdl: sdl,
      cleanup: async () => {
        clearTimeout(timer);
        watcher?.close();
        update = undefined;
      },
    };
  };

  return { hook, state: () => ({ ...state }) };
}
