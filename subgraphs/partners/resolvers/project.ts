import type { ProjectResolvers } from '../generated/resolvers-types';

export const Project: ProjectResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.project.load(String(reference.id)),
  partner: async (project, _args, { loaders }) => (await loaders.partner.load(project.partner_id))!,
  // Regions and judicial offices are the judicial subgraph's: references by key.
  village: (project) => ({ code: project.village_code }),
  budgetYuan: (project) => project.budget_yuan,
  startedOn: (project) => project.started_on,
  completedOn: (project) => project.completed_on,
  legallyReviewed: (project) => project.legally_reviewed,
  reviewingOffice: (project) => (project.reviewing_office_id ? { id: project.reviewing_office_id } : null),
};
