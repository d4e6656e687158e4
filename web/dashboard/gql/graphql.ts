/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AwardLevel =
  | 'AUTONOMOUS_REGION'
  | 'NATIONAL'
  | 'PREFECTURE';

/** An inclusive range of calendar dates; either end may be left open. */
export type DateRange = {
  /** First day included. */
  from?: string | null | undefined;
  /** Last day included. */
  to?: string | null | undefined;
};

/** What a legal aid case is about. */
export type LegalAidCategory =
  /** Disputes with administrative bodies: social insurance, subsidies, permits. */
  | 'ADMINISTRATIVE'
  /** Defence in criminal proceedings. */
  | 'CRIMINAL_DEFENCE'
  /** Marriage, maintenance, custody and inheritance. */
  | 'FAMILY'
  /** Rural land contracting and land use rights. */
  | 'LAND_CONTRACT'
  | 'OTHER'
  /** Work injuries, traffic accidents and other damages for personal injury. */
  | 'PERSONAL_INJURY'
  /** Unpaid wages, mostly of migrant and seasonal workers. */
  | 'WAGE_ARREARS';

/**
 * Where a case stands. The life cycle: APPLIED, then ACCEPTED or REJECTED;
 * ACCEPTED, then ASSIGNED (to a provider); ASSIGNED, then CLOSED.
 */
export type LegalAidStatus =
  /** Accepted; no provider assigned yet. */
  | 'ACCEPTED'
  /** Applied for; the legal aid agency has not yet decided. */
  | 'APPLIED'
  /** A provider has been assigned and is handling the case. */
  | 'ASSIGNED'
  /** The provider finished the case. Final. */
  | 'CLOSED'
  /** Rejected (the applicant or the matter did not qualify). Final. */
  | 'REJECTED';

export type MediationCategory =
  | 'CONTRACT'
  | 'DAMAGES'
  | 'LABOUR'
  | 'LAND_RESOURCES'
  | 'MARRIAGE_FAMILY'
  | 'NEIGHBOURHOOD'
  | 'OTHER';

export type MediationOutcome =
  | 'PENDING'
  | 'REFERRED'
  | 'RESOLVED'
  | 'UNRESOLVED';

export type PartnerKind =
  /** A development and reform commission. */
  | 'DEVELOPMENT_REFORM'
  /** An enterprise. */
  | 'ENTERPRISE'
  /** A finance bureau. */
  | 'FINANCE'
  /** A petitions (letters and visits) bureau. */
  | 'PETITIONS'
  /** A unit's resident village work team, stationed in the villages it is paired with. */
  | 'RESIDENT_WORK_TEAM'
  /** A rural revitalization bureau. */
  | 'RURAL_REVITALIZATION_BUREAU'
  /** A social organisation: a foundation, association or charity. */
  | 'SOCIAL_ORGANISATION';

/**
 * A project's life cycle: PLANNED -> IN_PROGRESS -> COMPLETED; a PLANNED or
 * IN_PROGRESS project may be SUSPENDED and later resume IN_PROGRESS.
 */
export type ProjectStatus =
  /** Finished: has a start and a completion date. */
  | 'COMPLETED'
  /** Started and running. */
  | 'IN_PROGRESS'
  /** Not started yet: no start date. */
  | 'PLANNED'
  /** On hold; has a start date only if it had started before it was suspended. */
  | 'SUSPENDED';

export type ProviderKind =
  /** A grassroots legal worker of a township legal service office. */
  | 'GRASSROOTS_LEGAL_WORKER'
  /** A practising lawyer of a law firm, assigned by the legal aid agency. */
  | 'LAWYER'
  /** A staff member of a county legal aid centre. */
  | 'LEGAL_AID_OFFICER';

export type RegionLevel =
  | 'AUTONOMOUS_REGION'
  | 'COUNTY'
  | 'PREFECTURE'
  | 'TOWNSHIP'
  | 'VILLAGE';

export type StandardizationStatus =
  | 'IN_PROGRESS'
  | 'NOT_STARTED'
  | 'STANDARDIZED';

export type DashboardCasesQueryVariables = Exact<{
  code: string | number;
  parties?: boolean | null | undefined;
  applicants?: boolean | null | undefined;
}>;


export type DashboardCasesQuery = { me: { subject: string | null, agency: string | null, scopes: Array<string>, regions: Array<string> }, region: { code: string, name: string, mediationCases: { totalCount: number, nodes: Array<{ id: string, category: MediationCategory, outcome: MediationOutcome, receivedOn: string, region: { name: string }, parties?: Array<{ name: string }> | null }> }, legalAidCases: { totalCount: number, nodes: Array<{ id: string, caseNumber: string, category: LegalAidCategory, status: LegalAidStatus, appliedOn: string, region: { code: string, name: string } | null, applicant?: { name: string } | null }> } | null } | null };

export type DashboardRegionQueryVariables = Exact<{
  code: string | number;
  period?: DateRange | null | undefined;
  legalAid?: boolean | null | undefined;
  education?: boolean | null | undefined;
  partners?: boolean | null | undefined;
}>;


export type DashboardRegionQuery = { region: { code: string, name: string, nameZh: string | null, level: RegionLevel, parent: { code: string, name: string, nameZh: string | null, level: RegionLevel, parent: { code: string, name: string, nameZh: string | null, level: RegionLevel, parent: { code: string, name: string, nameZh: string | null, level: RegionLevel, parent: { code: string, name: string, nameZh: string | null, level: RegionLevel } | null } | null } | null } | null, judicialOffice: { id: string, name: string, standardization: StandardizationStatus, demonstration: boolean, brand: string | null, staffCount: number, serviceStation: { name: string, services: Array<string> } | null } | null, legalAdvisor?: { since: string, consultations: number, provider: { name: string, kind: ProviderKind, organisation: string } } | null, demonstrationAward?: { level: AwardLevel, year: number } | null, residentTeam?: { members: number, since: string, partner: { name: string, kind: PartnerKind } } | null, projects?: { totalCount: number, nodes: Array<{ id: string, title: string, status: ProjectStatus, budgetYuan: number, legallyReviewed: boolean, partner: { name: string } }> } | null, children: Array<{ code: string, name: string, nameZh: string | null, level: RegionLevel, judicialStats: { offices: number, standardized: number, standardizedRate: number, demonstration: number, branded: number, mediationCases: number, mediationResolved: number, mediationSuccessRate: number }, legalAidStats?: { applications: number, accepted: number, closed: number, averageDaysToClose: number | null } | null, educationStats?: { events: number, attendees: number, demonstrationVillages: number } | null, revitalizationStats?: { partners: number, projects: number, legalReviewRate: number, budgetYuan: number } | null }>, judicialStats: { offices: number, standardized: number, standardizedRate: number, demonstration: number, branded: number, mediationCases: number, mediationResolved: number, mediationSuccessRate: number }, legalAidStats?: { applications: number, accepted: number, closed: number, averageDaysToClose: number | null } | null, educationStats?: { events: number, attendees: number, demonstrationVillages: number } | null, revitalizationStats?: { partners: number, projects: number, legalReviewRate: number, budgetYuan: number } | null } | null };

export type DashboardPlaceFragment = { code: string, name: string, nameZh: string | null, level: RegionLevel };

export type DashboardFiguresFragment = { judicialStats: { offices: number, standardized: number, standardizedRate: number, demonstration: number, branded: number, mediationCases: number, mediationResolved: number, mediationSuccessRate: number }, legalAidStats?: { applications: number, accepted: number, closed: number, averageDaysToClose: number | null } | null, educationStats?: { events: number, attendees: number, demonstrationVillages: number } | null, revitalizationStats?: { partners: number, projects: number, legalReviewRate: number, budgetYuan: number } | null };

export type DashboardTrendQueryVariables = Exact<{
  code: string | number;
  year: number;
}>;


export type DashboardTrendQuery = { region: { code: string, name: string, judicialSeries: Array<{ month: number, count: number }>, legalAidSeries: Array<{ month: number, count: number }> | null, educationSeries: Array<{ month: number, count: number }> | null, revitalizationSeries: Array<{ month: number, count: number }> | null } | null };

export const DashboardPlaceFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardPlace"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Region"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nameZh"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}}]} as unknown as DocumentNode<DashboardPlaceFragment, unknown>;
export const DashboardFiguresFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardFigures"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Region"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"judicialStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"offices"}},{"kind":"Field","name":{"kind":"Name","value":"standardized"}},{"kind":"Field","name":{"kind":"Name","value":"standardizedRate"}},{"kind":"Field","name":{"kind":"Name","value":"demonstration"}},{"kind":"Field","name":{"kind":"Name","value":"branded"}},{"kind":"Field","name":{"kind":"Name","value":"mediationCases"}},{"kind":"Field","name":{"kind":"Name","value":"mediationResolved"}},{"kind":"Field","name":{"kind":"Name","value":"mediationSuccessRate"}}]}},{"kind":"Field","name":{"kind":"Name","value":"legalAidStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"legalAid"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"applications"}},{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"closed"}},{"kind":"Field","name":{"kind":"Name","value":"averageDaysToClose"}}]}},{"kind":"Field","name":{"kind":"Name","value":"educationStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"education"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"events"}},{"kind":"Field","name":{"kind":"Name","value":"attendees"}},{"kind":"Field","name":{"kind":"Name","value":"demonstrationVillages"}}]}},{"kind":"Field","name":{"kind":"Name","value":"revitalizationStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"partners"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"partners"}},{"kind":"Field","name":{"kind":"Name","value":"projects"}},{"kind":"Field","name":{"kind":"Name","value":"legalReviewRate"}},{"kind":"Field","name":{"kind":"Name","value":"budgetYuan"}}]}}]}}]} as unknown as DocumentNode<DashboardFiguresFragment, unknown>;
export const DashboardCasesDocument = {"__meta__":{"hash":"dbf3160642adbd7964b79dc2f04ccf5c150b39918e8c81469661eb9f31655084"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardCases"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"parties"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}},"defaultValue":{"kind":"BooleanValue","value":false}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"applicants"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}},"defaultValue":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"agency"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"regions"}}]}},{"kind":"Field","name":{"kind":"Name","value":"region"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"mediationCases"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"receivedOn"}},{"kind":"Field","name":{"kind":"Name","value":"region"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"parties"},"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"parties"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"legalAidCases"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"caseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"appliedOn"}},{"kind":"Field","name":{"kind":"Name","value":"region"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"applicant"},"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"applicants"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<DashboardCasesQuery, DashboardCasesQueryVariables>;
export const DashboardRegionDocument = {"__meta__":{"hash":"d357613f2f6a6a820703e1852a56b9584d6a383d7461049a0acf8d0f24111672"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardRegion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"period"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DateRange"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"legalAid"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}},"defaultValue":{"kind":"BooleanValue","value":true}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"education"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}},"defaultValue":{"kind":"BooleanValue","value":true}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"partners"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}},"defaultValue":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"region"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nameZh"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardPlace"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardPlace"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardPlace"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardPlace"}}]}}]}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigures"}},{"kind":"Field","name":{"kind":"Name","value":"judicialOffice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"standardization"}},{"kind":"Field","name":{"kind":"Name","value":"demonstration"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"staffCount"}},{"kind":"Field","name":{"kind":"Name","value":"serviceStation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"services"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"legalAdvisor"},"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"legalAid"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"consultations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}]},{"kind":"Field","name":{"kind":"Name","value":"provider"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"demonstrationAward"},"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"education"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"year"}}]}},{"kind":"Field","name":{"kind":"Name","value":"residentTeam"},"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"partners"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"members"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"partner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"projects"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"partners"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"budgetYuan"}},{"kind":"Field","name":{"kind":"Name","value":"legallyReviewed"}},{"kind":"Field","name":{"kind":"Name","value":"partner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardPlace"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardFigures"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardPlace"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Region"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"nameZh"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardFigures"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Region"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"judicialStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"offices"}},{"kind":"Field","name":{"kind":"Name","value":"standardized"}},{"kind":"Field","name":{"kind":"Name","value":"standardizedRate"}},{"kind":"Field","name":{"kind":"Name","value":"demonstration"}},{"kind":"Field","name":{"kind":"Name","value":"branded"}},{"kind":"Field","name":{"kind":"Name","value":"mediationCases"}},{"kind":"Field","name":{"kind":"Name","value":"mediationResolved"}},{"kind":"Field","name":{"kind":"Name","value":"mediationSuccessRate"}}]}},{"kind":"Field","name":{"kind":"Name","value":"legalAidStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"legalAid"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"applications"}},{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"closed"}},{"kind":"Field","name":{"kind":"Name","value":"averageDaysToClose"}}]}},{"kind":"Field","name":{"kind":"Name","value":"educationStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"education"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"events"}},{"kind":"Field","name":{"kind":"Name","value":"attendees"}},{"kind":"Field","name":{"kind":"Name","value":"demonstrationVillages"}}]}},{"kind":"Field","name":{"kind":"Name","value":"revitalizationStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"Variable","name":{"kind":"Name","value":"period"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"partners"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"partners"}},{"kind":"Field","name":{"kind":"Name","value":"projects"}},{"kind":"Field","name":{"kind":"Name","value":"legalReviewRate"}},{"kind":"Field","name":{"kind":"Name","value":"budgetYuan"}}]}}]}}]} as unknown as DocumentNode<DashboardRegionQuery, DashboardRegionQueryVariables>;
export const DashboardTrendDocument = {"__meta__":{"hash":"9def9d3fbaae8bef219cae5be5b2c44669d680f8358e21bca7b6c4262f081078"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardTrend"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"region"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"judicialSeries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"legalAidSeries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"educationSeries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"revitalizationSeries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardTrendQuery, DashboardTrendQueryVariables>;