import type { Services } from './services';

/** Re-reads the workspace's projects and asks Docker again (also the "Retry" of the view). */
export async function refreshViewCommand({ projects, docker }: Services): Promise<void> {
  docker.reconnect();
  await projects.refresh();
}
