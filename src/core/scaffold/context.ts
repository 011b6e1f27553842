import type { DatabaseService } from '../generated/compose';
import type { networkPlan } from './network';
import type { ProjectDescription } from './project';
import type { AdoptableService } from './rootCompose';

export interface AdoptedCompose {
  /** The compose file, relative to the project root. */
  readonly file: string;
  readonly service: AdoptableService;
  /** Its database service, whose name is then the database host. */
  readonly databaseService: string | undefined;
}

/** What every dev container file is rendered from. */
export interface DevContainerContext {
  readonly project: ProjectDescription;
  readonly folder: string;
  /** The project root as seen from the folder (`..`). */
  readonly rootFromFolder: string;
  readonly image: string;
  readonly hasWatchman: boolean;
  readonly uid: number;
  readonly gid: number;
  readonly hostname: string;
  readonly nodeName: string;
  readonly nodeMode: 'sname' | 'name';
  readonly network: ReturnType<typeof networkPlan>;
  readonly dbService: DatabaseService | undefined;
  readonly namedVolumes: boolean;
  readonly composeProject: string;
  /** Where the project is mounted in the container. */
  readonly workdir: string;
  /** The database service's name: the host the app connects to. */
  readonly dbHost: string;
  readonly adopt: AdoptedCompose | undefined;
}
