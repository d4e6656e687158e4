// What the judicial resolvers pass around for each GraphQL type (codegen
// mappers, see codegen.ts), and the request context.
import type { AuditRow } from '../../platform/data/audit';
import type { Connection } from '../../platform/data/pagination';
import type { SubgraphContext } from '../../platform/server/subgraph';
import type { JudicialDatabase, JudicialOfficeRow, MediationCaseRow, RegionRow, ServiceStationRow } from './database';
import type { JudicialLoaders } from './loaders';

export type Context = SubgraphContext<JudicialDatabase, JudicialLoaders>;

export type RegionModel = RegionRow;
export type JudicialOfficeModel = JudicialOfficeRow;
export type PublicLegalServiceStationModel = ServiceStationRow;
export type MediationCaseModel = MediationCaseRow;
export type RegionConnectionModel = Connection<RegionRow>;
export type JudicialOfficeConnectionModel = Connection<JudicialOfficeRow>;
export type MediationCaseConnectionModel = Connection<MediationCaseRow>;
export type AuditRecordModel = AuditRow;
export type AuditRecordConnectionModel = Connection<AuditRow>;
