// The three workloads of the benchmark (issue 8), also used by the tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OPERATIONS_DIR } from '../schema/compose';

/** One GraphQL request, sent again and again; `cellRequests`: requests per cell of the main table (about 4 s of load each on 2 cores: enough that a repeat lands within 10%). */
export type Workload = { name: string; query: string; variables: Record<string, unknown>; cellRequests?: number };

/** 1. The registered region scorecard: a prefecture and its counties, for one year. */
export const SCORECARD = readFileSync(path.join(OPERATIONS_DIR, 'region-scorecard.graphql'), 'utf8');
export const SCORECARD_VARIABLES = { code: '652900', period: { from: '2022-01-01', to: '2022-12-31' } };

/**
 * 2. Township detail: an office with its township's mediation figures, the
 * legal aid cases it referred, the events it organised, and the township's
 * projects with their reviewing offices (judicial -> legal aid, education,
 * partners -> judicial: several sequential fetch stages).
 */
export const TOWNSHIP_DETAIL = `query TownshipDetail($office: ID!) {
  judicialOffice(id: $office) {
    id name standardization demonstration brand staffCount
    legalAidReferrals
    educationEvents(first: 10) { totalCount nodes { id title theme heldOn attendees } }
    township {
      code name
      judicialStats { mediationCases mediationResolved mediationSuccessRate }
      projects(first: 10) {
        totalCount
        nodes { id title status legallyReviewed reviewingOffice { id name standardization } }
      }
    }
  }
}`;
export const TOWNSHIP_DETAIL_VARIABLES = { office: 'JO-652922100' };

/** 3. Wide list: `first` judicial offices, each with its legal aid referrals and its first 5 education events. */
export const WIDE_LIST = `query WideList($first: Int!) {
  judicialOffices(first: $first) {
    nodes {
      id name
      legalAidReferrals
      educationEvents(first: 5) { nodes { id title heldOn } }
    }
  }
}`;
export const wideListVariables = (first: number) => ({ first });
