import type { DatabaseService } from '../generated/compose';
import type { ReleaseProject } from './project';

/** What every release file is rendered from. */
export interface ReleaseContext {
  readonly project: ReleaseProject;
  readonly name: string;
  readonly folder: string;
  /** Where the release compose file and its .env live. */
  readonly composeFolder: string;
  readonly versions: { readonly elixir: string; readonly otp: string; readonly debian: string };
  readonly debianRelease: string | undefined;
  readonly hostPort: number;
  readonly hostname: string;
  readonly node: string;
  /** The module whose migrate/0 bin/migrate calls. */
  readonly releaseModule: string | undefined;
  readonly db: DatabaseService | undefined;
}

