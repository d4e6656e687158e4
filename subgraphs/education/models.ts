// What the education resolvers pass around for each GraphQL type (codegen
// mappers, see codegen.ts), and the request context.
import type { Connection } from '../../platform/data/pagination';
import type { PeriodRequest } from '../../platform/data/loaders';
import type { SubgraphContext } from '../../platform/server/subgraph';
import type { CampaignRow, DemonstrationAwardRow, EducationDatabase, EducationEventRow } from './database';
import type { EducationLoaders } from './loaders';

export type Context = SubgraphContext<EducationDatabase, EducationLoaders>;

/** Region is owned by judicial: this subgraph only needs its code. */
export type RegionModel = { code: string };
/** JudicialOffice is owned by judicial: this subgraph only needs its id ('JO-<township code>'). */
export type JudicialOfficeModel = { id: string };
export type CampaignModel = CampaignRow;
export type EducationEventModel = EducationEventRow;
export type DemonstrationAwardModel = DemonstrationAwardRow;
/** Which figures to count; each field loads its own aggregate only when asked for. */
export type EducationStatsModel = PeriodRequest;
export type EducationEventConnectionModel = Connection<EducationEventRow>;
