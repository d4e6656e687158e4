import type { Resolvers } from '../generated/resolvers-types';
import { Campaign, EducationEvent } from './event';
import { Mutation } from './mutation';
import { JudicialOffice } from './office';
import { Query } from './query';
import { Region } from './region';
import { EducationStats } from './stats';

export const resolvers: Resolvers = { Query, Mutation, Region, JudicialOffice, EducationEvent, Campaign, EducationStats };
