// The judicial agency's scopes (DESIGN.md, "Access"): every scope its checks
// name, here and nowhere else.
export const CASES_SCOPE = 'judicial:cases';
export const PII_SCOPE = 'judicial:pii';
export const AUDIT_SCOPE = 'judicial:audit';
export const WRITE_SCOPE = 'judicial:write';
