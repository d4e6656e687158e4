import { AuditRecordResolvers as AuditRecord } from '../../../platform/data/audit';
import type { Resolvers } from '../generated/resolvers-types';
import { MediationCase } from './mediation';
import { Mutation } from './mutation';
import { JudicialOffice, PublicLegalServiceStation } from './office';
import { Query } from './query';
import { Region } from './region';

export const resolvers: Resolvers = { Query, Mutation, Region, JudicialOffice, PublicLegalServiceStation, MediationCase, AuditRecord };
