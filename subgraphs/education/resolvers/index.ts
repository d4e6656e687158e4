import type { Resolvers } from '../generated/resolvers-types';
import { Campaign, EducationEvent } from './event';
import { JudicialOffice } from './office';
import { Query } from './query';
import { Region } from './region';
import { EducationStats } from './stats';

export const resolvers: Resolvers = { Query, Region, JudicialOffice, EducationEvent, Campaign, EducationStats };
