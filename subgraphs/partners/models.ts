// What the partners resolvers pass around for each GraphQL type (codegen
// mappers, see codegen.ts), and the request context.
import type { Connection } from '../../platform/data/pagination';
import type { RegionKey } from '../../platform/core/region-codes';
import type { SubgraphContext } from '../../platform/server/subgraph';
import type { PartnerRow, PartnersDatabase, ProjectRow, ResidentTeamRow } from './database';
import type { PartnersLoaders } from './loaders';

export type Context = SubgraphContext<PartnersDatabase, PartnersLoaders>;

/** A region is owned by the judicial subgraph: here it is only its key. */
export type RegionModel = RegionKey;
/** A reference to a judicial office (judicial subgraph): its key only. */
export interface JudicialOfficeModel {
  id: string;
}
export type PartnerModel = PartnerRow;
export type ProjectModel = ProjectRow;
export type ResidentTeamModel = ResidentTeamRow;
export type PartnerConnectionModel = Connection<PartnerRow>;
export type ProjectConnectionModel = Connection<ProjectRow>;
