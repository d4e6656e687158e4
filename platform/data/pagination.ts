// Cursor pagination: `first` from 0 to 100, opaque cursors, lazily counted
// `totalCount`. Lists are ordered by a unique key; a cursor holds the key of
// the last row seen, so a page never skips or repeats a row when rows are added.
import { badUserInput } from '../core/errors';

export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page {
  limit: number;
  /** The key after which the page starts; null for the first page. */
  afterKey: string | null;
}

export function readPage(args: PageArgs, defaultSize = 20): Page {
  const first = args.first ?? defaultSize;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput('first', `must be from 0 to ${MAX_PAGE_SIZE}, not ${first}`);
  }
  return { limit: first, afterKey: args.after == null ? null : decodeCursor(args.after) };
}

const CURSOR_PREFIX = 'k:';

function encodeCursor(key: string | number): string {
  return Buffer.from(CURSOR_PREFIX + String(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || !/^[\w.-]{1,64}$/.test(text.slice(CURSOR_PREFIX.length))) {
    throw badUserInput('after', 'is not a cursor this API gave out');
  }
  return text.slice(CURSOR_PREFIX.length);
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  /** A number, or a function that the default resolver calls only when the field is asked for. */
  totalCount: number | (() => Promise<number>);
  nodes: T[];
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Builds a connection from up to `limit + 1` rows in key order: the extra row
 * only tells that there is a next page.
 */
export function toConnection<T>(
  rows: readonly T[],
  page: Page,
  keyOf: (row: T) => string | number,
  totalCount: number | (() => Promise<number>),
): Connection<T> {
  const nodes = rows.slice(0, page.limit);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    totalCount,
    nodes,
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.limit,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
  };
}

/** A list with nothing in it: what a caller sees of records they may not see at all. */
export function emptyConnection<T>(): Connection<T> {
  return { totalCount: 0, nodes: [], edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
}
