import { readPage } from '../../../platform/data/pagination';
import type { CampaignResolvers, EducationEventResolvers } from '../generated/resolvers-types';
import { checkEventFilter } from './filters';

export const EducationEvent: EducationEventResolvers = {
  heldOn: (event) => event.held_on,
  // References to judicial's entities: the gateway fetches their other fields.
  region: (event) => ({ code: event.region_code }),
  organiser: (event) => (event.organiser_office_id === null ? null : { id: event.organiser_office_id }),
  campaign: (event, _args, { loaders }) => (event.campaign_id === null ? null : loaders.campaign.load(event.campaign_id)),
};

export const Campaign: CampaignResolvers = {
  startsOn: (campaign) => campaign.starts_on,
  endsOn: (campaign) => campaign.ends_on,
  events: (campaign, args, { loaders }) =>
    loaders.eventsOfCampaign.load({ parent: campaign.id, page: readPage(args), filter: checkEventFilter(args.filter) }),
};
