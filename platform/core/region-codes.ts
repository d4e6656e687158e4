// Administrative division codes. They are hierarchical, so "within a region"
// is a code-prefix match, expressed as a half-open range [lo, hi) that an
// ordinary B-tree index on a `COLLATE "C"` code column answers.

export type RegionLevel = 'AUTONOMOUS_REGION' | 'PREFECTURE' | 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';

/** A region as a subgraph that does not own it (judicial does) holds it: its key, the code. */
export interface RegionKey {
  code: string;
}

/** The level a well-formed code denotes, or null for a malformed one. */
export function levelOfCode(code: string): RegionLevel | null {
  if (/^\d{12}$/.test(code)) return 'VILLAGE';
  if (/^\d{9}$/.test(code)) return 'TOWNSHIP';
  if (!/^\d{6}$/.test(code) || code.startsWith('00')) return null;
  if (code.endsWith('0000')) return 'AUTONOMOUS_REGION';
  if (code.endsWith('00')) return 'PREFECTURE';
  return 'COUNTY';
}

/** The significant prefix: what every code within the region starts with. */
function codePrefix(code: string): string {
  switch (levelOfCode(code)) {
    case 'AUTONOMOUS_REGION':
      return code.slice(0, 2);
    case 'PREFECTURE':
      return code.slice(0, 4);
    case null:
      throw new Error(`not a division code: ${code}`);
    default:
      return code;
  }
}

export interface CodeRange {
  /** Inclusive lower bound. */
  lo: string;
  /** Exclusive upper bound. */
  hi: string;
}

/** Codes within the region are exactly those with lo <= code < hi (byte order). */
export function regionRange(code: string): CodeRange {
  const prefix = codePrefix(code);
  // Digits are followed by ':' in byte order, so prefix + ':' bounds every code with the prefix.
  return { lo: prefix, hi: `${prefix}:` };
}

export function isWithin(code: string, ancestorCode: string): boolean {
  return code.startsWith(codePrefix(ancestorCode));
}

/** The township a village or township code lies in; null above township level. */
export function townshipOf(code: string): string | null {
  const level = levelOfCode(code);
  return level === 'VILLAGE' || level === 'TOWNSHIP' ? code.slice(0, 9) : null;
}

/** Ids derived from a township code, so every subgraph's seed can name the same office. */
export function judicialOfficeId(townshipCode: string): string {
  return `JO-${townshipCode}`;
}

export function townshipOfOfficeId(officeId: string): string | null {
  const match = /^JO-(\d{9})$/.exec(officeId);
  return match ? match[1] : null;
}
