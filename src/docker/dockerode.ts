// Entry point of dist/dockerode.js, a bundle of its own so that loading the Docker client
// (the largest module the extension has) happens on first use, never during activation.
import Dockerode from 'dockerode';
import type { DockerEndpoint } from '../core/dockerEndpoint';

export function createDockerode(endpoint: DockerEndpoint): Dockerode {
  return new Dockerode(endpoint);
}
