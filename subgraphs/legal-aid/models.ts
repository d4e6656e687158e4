// What the legal aid resolvers pass around for each GraphQL type (codegen
// mappers, see codegen.ts), and the request context.
import type { AuditRow } from '../../platform/data/audit';
import type { Connection } from '../../platform/data/pagination';
import type { SubgraphContext } from '../../platform/server/subgraph';
import type { LegalAidCaseRow, LegalAidDatabase, LegalAidProviderRow, VillageLegalAdvisorRow } from './database';
import type { LegalAidLoaders } from './loaders';

export type Context = SubgraphContext<LegalAidDatabase, LegalAidLoaders>;

/** A region is its key: the judicial subgraph owns the directory. */
export type RegionModel = { code: string };
/** A judicial office is its key: the judicial subgraph owns the offices. */
export type JudicialOfficeModel = { id: string };
export type LegalAidCaseModel = LegalAidCaseRow;
export type LegalAidProviderModel = LegalAidProviderRow;
export type VillageLegalAdvisorModel = VillageLegalAdvisorRow;
export type LegalAidCaseConnectionModel = Connection<LegalAidCaseRow>;
export type AuditRecordModel = AuditRow;
export type AuditRecordConnectionModel = Connection<AuditRow>;
