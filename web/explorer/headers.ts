// The Authorization header in a tab's headers editor (a JSON object): set or
// removed by the development token choices, read to say who the tab asks as.

function parseHeaders(text: string | null | undefined): Record<string, unknown> | null {
  if (!text?.trim()) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The headers text with Authorization set to `Bearer <token>` (or removed for null); other headers kept. */
export function withAuthorization(text: string | null | undefined, token: string | null): string {
  const headers = parseHeaders(text) ?? {};
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'authorization') delete headers[key];
  if (token) headers.Authorization = `Bearer ${token}`;
  return Object.keys(headers).length ? JSON.stringify(headers, null, 2) : '';
}

export interface CallerClaims {
  sub?: string;
  agency?: string;
  scope?: string;
  regions?: string[];
  exp?: number;
}

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'token'; claims: CallerClaims }
  | { kind: 'unreadable'; reason: string };

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * Who the tab's requests claim to come from: the claims of its bearer token,
 * as written in the token. Not verified here: the hub verifies every request.
 */
export function callerOf(text: string | null | undefined): Caller {
  const headers = parseHeaders(text);
  if (headers === null) return { kind: 'unreadable', reason: 'the headers are not a JSON object' };
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === 'authorization');
  if (!entry || (typeof entry[1] === 'string' && entry[1].trim() === '')) return { kind: 'anonymous' };
  const match = typeof entry[1] === 'string' ? /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]*)$/.exec(entry[1].trim()) : null;
  if (!match) return { kind: 'unreadable', reason: 'Authorization must be "Bearer <token>"' };
  try {
    return { kind: 'token', claims: decodeSegment(match[2]) as CallerClaims };
  } catch {
    return { kind: 'unreadable', reason: 'the token is not a JWT' };
  }
}
