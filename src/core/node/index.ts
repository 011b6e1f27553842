/** The pure core of "Phoenix: Attach Remote IEx": finds a container's Erlang node and builds the shell's argv. */
export { attachingNodeName, containerAttachArgv, endRemoteShellArgv, hostAttachArgv, terminalName, type Argv, type AttachCommand } from './attach';
export { discoverNode, splitShellWords, type ContainerFacts, type CookieSource, type NodeDiscovery, type NodeMode, type ReleaseInfo } from './discovery';
