import type { EducationStatsResolvers } from '../generated/resolvers-types';

// Each figure is loaded only when asked for: a dashboard that wants events
// alone costs one statement per batch of regions, not three.
export const EducationStats: EducationStatsResolvers = {
  events: async (stats, _args, { loaders }) => (await loaders.eventStats.load(stats)).events,
  attendees: async (stats, _args, { loaders }) => (await loaders.eventStats.load(stats)).attendees,
  demonstrationVillages: (stats, _args, { loaders }) => loaders.demonstrationVillages.load({ parent: stats.parent, period: null }),
  legalUnderstandingPersons: (stats, _args, { loaders }) => loaders.legalUnderstandingPersons.load(stats),
};
