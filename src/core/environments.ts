import { composeProjectName } from './composeProject';
import { RELEASE_FOLDER } from './contract';
import { releaseComposeProjectName } from './release/render';

/**
 * The ways a project runs, each as one compose project of its own: today its dev container and
 * its release run locally. Everything that sets one apart is a property here (its words are in
 * ui/environmentWords.ts, which TypeScript keeps complete); nothing else asks which one it is.
 */
export type EnvironmentKind = 'dev' | 'release';

export interface Environment {
  readonly kind: EnvironmentKind;
  /** Where its compose file and .env are, inside the dev container folder ('' for that folder itself). */
  readonly folder: string;
  /** The compose file the scaffold writes there. */
  readonly composeFile: string;
  /** Its compose project's name when its .env pins none. */
  readonly projectName: (folderName: string) => string;
  /** The `dev.phoenix.role` label of the service that runs Phoenix. */
  readonly appRole: string;
  /** Whether its Phoenix service runs a Mix release (attached through the release's own scripts). */
  readonly runsRelease: boolean;
  /** When a start builds its images: `always` when the image holds the code, so an edit must reach it. */
  readonly build: 'when-changed' | 'always';
  /**
   * Whose files its image and Phoenix config are: the scaffold's (the base image is a setting,
   * config/dev.exs) or the project's own (the root Dockerfile's ARGs, config/runtime.exs).
   */
  readonly configuredBy: 'scaffold' | 'project';
  /** Whether "Reset Database" applies: its entrypoint has a reset step. */
  readonly resetsDatabase: boolean;
  /** Whether it bind-mounts the project and reloads on edits, so that "Check File Watching" applies. */
  readonly reloadsOnEdit: boolean;
  /** Whether its app service has mix and the project's source: tests, mix tasks and the formatter run in it. */
  readonly runsMix: boolean;
  /** Whether using it completes the steps of the "zero to IEx" walkthrough. */
  readonly inWalkthrough: boolean;
}

export const ENVIRONMENTS: Readonly<Record<EnvironmentKind, Environment>> = {
  dev: {
    kind: 'dev',
    folder: '',
    composeFile: 'docker-compose.yml',
    projectName: composeProjectName,
    appRole: 'app',
    runsRelease: false,
    build: 'when-changed',
    configuredBy: 'scaffold',
    resetsDatabase: true,
    reloadsOnEdit: true,
    runsMix: true,
    inWalkthrough: true,
  },
  release: {
    kind: 'release',
    folder: RELEASE_FOLDER,
    composeFile: 'docker-compose.yml',
    projectName: releaseComposeProjectName,
    appRole: 'release',
    runsRelease: true,
    build: 'always',
    configuredBy: 'project',
    resetsDatabase: false,
    reloadsOnEdit: false,
    runsMix: false,
    inWalkthrough: false,
  },
};

/** Every environment, the one a project is first shown by (in the status bar) first. */
export const ENVIRONMENT_ORDER: readonly Environment[] = [ENVIRONMENTS.dev, ENVIRONMENTS.release];

/** The environment whose Phoenix service carries this `dev.phoenix.role` label. */
export function environmentOfRole(role: string | undefined): Environment | undefined {
  return ENVIRONMENT_ORDER.find((environment) => environment.appRole === role);
}
