/** The pure core of running compose: argv as data, reading `compose config`, and what a failure means. */
export {
  COMPOSE_FLAVOURS,
  candidateFlavours,
  composeArgv,
  composeCli,
  parseComposeVersion,
  versionProbe,
  type Argv,
  type ComposeAction,
  type ComposeCli,
  type ComposeFlavour,
  type ComposeSetting,
  type ComposeTarget,
  type OneOffRun,
} from './cli';
export { builtImageName, parseComposeConfig, type ComposeService, type ServiceMount } from './config';
export { classifyComposeFailure, type ComposeFailure } from './failure';
export { containerPublishing, listeningSocketInodes, listensOnLoopbackOnly, socketInodeOfFdLink, type PortContainer } from './portHolder';
