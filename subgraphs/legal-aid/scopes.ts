// The legal aid agency's scopes (DESIGN.md, "Access"): every scope its checks
// name, here and nowhere else.
export const CASES_SCOPE = 'legal-aid:cases';
export const PII_SCOPE = 'legal-aid:pii';
export const AUDIT_SCOPE = 'legal-aid:audit';
export const WRITE_SCOPE = 'legal-aid:write';
