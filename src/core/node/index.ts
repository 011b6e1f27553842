/** The pure core of "Phoenix: Attach Remote IEx": finds a container's Erlang node and builds the shell's argv. */
export { attachPlace, attachingNodeName, chooseAttachCommand, containerAttachArgv, endRemoteShellArgv, hostAttachArgv, sessionMark, terminalName, type Argv, type AttachChoice, type AttachCommand, type AttachModeSetting, type AttachPlace } from './attach';
export { discoverNode, splitShellWords, type ContainerFacts, type CookieSource, type NodeDiscovery, type NodeMode, type ReleaseInfo } from './discovery';
export { LOOPBACK_DISTRIBUTION, PRIVATE_COOKIE_VARIABLE, cookieValue, cookieVariablesEmptied, privateCookieShellArgs } from './ownVm';
