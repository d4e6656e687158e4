// A promise with a time limit: GET /ready's database check (platform/server/subgraph.ts)
// and the replay check in Redis (platform/access/replay-memory.ts).

/** Rejects with an error whose `code` is `timeout` after `ms`; the promise itself runs on. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'timeout' })), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
