/** The pure core of "Phoenix: Attach Remote IEx": finds a container's Erlang node and builds the shell's argv. */
export { attachingNodeName, containerAttachArgv, endRemoteShellArgv, hostAttachArgv, terminalName, type Argv, type AttachCommand } from './attach';
export { discoverNode, splitShellWords, type ContainerFacts, type CookieSource, type NodeDiscovery, type NodeMode, type ReleaseInfo } from './discovery';
export { LOOPBACK_DISTRIBUTION, PRIVATE_COOKIE_VARIABLE, cookieValue, cookieVariablesEmptied, privateCookieShellArgs } from './ownVm';
