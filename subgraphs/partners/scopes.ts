// The partners agency's scopes (DESIGN.md, "Access"): every scope its
// checks name, here and nowhere else.
/** The scope every partners write needs, covering the project's village. */
export const WRITE_SCOPE = 'partners:write';
