import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutation';
import { Partner, ResidentTeam } from './partner';
import { Project } from './project';
import { Query } from './query';
import { Region } from './region';

export const resolvers: Resolvers = { Query, Mutation, Region, Partner, Project, ResidentTeam };
