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

/** A supergraph's version: the first 12 hex digits of its SDL's sha256 (shown on /ready; the response cache keys by it too). */
export const supergraphVersion = (sdl: string): string => createHash('sha256').update(sdl).digest('hex').slice(0, 12);

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
      Object.assign(state, { version: supergraphVersion(sdl), loadedAt: new Date().toISOString() });
      return { supergraphSdl: sdl };
    },
    state: () => ({ ...state }),
  };
}

export function supergraphFile(file: string, options: SupergraphFileOptions = {}): SupergraphSource {
  const source = new SupergraphFile(file, options);
  return { hook: source.hook, state: () => ({ ...source.state }) };
}

type ReloadResult = 'updated' | 'unchanged' | 'failed';

/** The supergraph file: what was last loaded from it, the gateway's update callback once started, and the watch of its folder. */
class SupergraphFile {
  readonly state: SupergraphState;
  private readonly absolute: string;
  private update: ((sdl: string) => void) | undefined;
  private current: string | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = Promise.resolve<ReloadResult>('unchanged');

  constructor(
    private readonly file: string,
    private readonly options: SupergraphFileOptions,
  ) {
    this.absolute = path.resolve(file);
    this.state = { source: 'file', path: file, reloads: 0 };
  }

  readonly hook: SupergraphSdlHook = async ({ update: gatewayUpdate }) => {
    // The first load: a file that does not load stops the start (there is nothing to keep).
    const sdl = readFileSync(this.absolute, 'utf8');
    this.current = sdl;
    this.update = gatewayUpdate;
    Object.assign(this.state, { version: supergraphVersion(sdl), loadedAt: new Date().toISOString() });
    if (this.options.watch !== false) this.watchFolder();
    return {
      supergraphSdl: sdl,
      cleanup: async () => {
        clearTimeout(this.timer);
        this.watcher?.close();
        this.update = undefined;
      },
    };
  };

  private watchFolder(): void {
    const { absolute, file, options } = this;
    // The folder is watched, not the file: editors and `npm run compose` replace the file
    // (a new file renamed over it); Kubernetes, updating a mounted ConfigMap, leaves the file
    // (a symlink into ..data) alone and swaps the symlink `..data` (its atomic writer).
    this.watcher = watch(path.dirname(absolute), (_event, name) => {
      if (name !== null && name !== path.basename(absolute) && name !== KUBERNETES_DATA_LINK) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reload(), options.debounceMs ?? 100);
    });
    this.watcher.on('error', (error) => options.logger?.error({ err: error, path: file }, 'watching the supergraph file failed'));
  }

  /** One reload at a time, in the order the changes came. */
  private reload(): Promise<ReloadResult> {
    const reloadNow = () => this.reloadNow();
    return (this.running = this.running.then(reloadNow, reloadNow));
  }

  private reloadNow(): ReloadResult {
    if (!this.update) return 'unchanged';
    let sdl: string;
    try {
      sdl = readFileSync(this.absolute, 'utf8');
    } catch (error) {
      return this.failed(`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (sdl === this.current) return 'unchanged';
    try {
      const problems = this.options.guard && this.current !== undefined ? this.options.guard(sdl, this.current) : [];
      if (problems.length) return this.failed(describeRefusal(problems), problems);
      // Parses, validates and plans with the new supergraph; throws and keeps the old one if it is not valid.
      this.update(sdl);
    } catch (error) {
      return this.failed(error instanceof Error ? error.message : String(error));
    }
    this.loaded(sdl);
    return 'updated';
  }

  private loaded(sdl: string): void {
    this.current = sdl;
    Object.assign(this.state, { version: supergraphVersion(sdl), loadedAt: new Date().toISOString(), reloads: this.state.reloads + 1, lastError: undefined });
    this.options.logger?.info({ path: this.file, version: this.state.version }, 'supergraph reloaded');
    this.options.onReload?.('updated');
  }

  private failed(message: string, problems?: SupergraphProblem[]): 'failed' {
    this.state.lastError = { at: new Date().toISOString(), message, ...(problems ? { problems } : {}) };
    this.options.logger?.error({ path: this.file, reason: message, ...(problems ? { problems } : {}) }, 'supergraph change not loaded: still serving the previous one');
    this.options.onReload?.('failed');
    return 'failed';
  }
}
