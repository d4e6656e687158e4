// Who a request comes from, as the hub takes it to be (DESIGN.md, "Access").

export interface Viewer {
  /** The token's `sub`; null for an anonymous caller. */
  subject: string | null;
  agency: string | null;
  scopes: string[];
  /** Division codes that case-level access is limited to; empty means all. */
  regions: string[];
}

export const ANONYMOUS: Viewer = Object.freeze({ subject: null, agency: null, scopes: [], regions: [] }) as Viewer;
