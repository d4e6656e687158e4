// The education agency's scopes (DESIGN.md, "Access"): every scope its
// checks name, here and nowhere else.
export const WRITE_SCOPE = 'education:write';
