import { AuditRecordResolvers as AuditRecord } from '../../../platform/data/audit';
import type { Resolvers } from '../generated/resolvers-types';
import { VillageLegalAdvisor } from './advisor';
import { LegalAidCase } from './case';
import { Mutation } from './mutation';
import { JudicialOffice } from './office';
import { Query } from './query';
import { Region } from './region';

export const resolvers: Resolvers = { Query, Mutation, Region, JudicialOffice, LegalAidCase, VillageLegalAdvisor, AuditRecord };
