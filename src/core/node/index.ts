/** The pure core of "Phoenix: Attach Remote IEx": finds a container's Erlang node and builds the shell's argv. */
export { attachPlace, attachingNodeName, chooseAttachCommand, containerAttachArgv, hostAttachArgv, terminalName, type AttachChoice, type AttachModeSetting } from './attach';
export { endSessionArgv, sessionMark } from './session';
export { discoverNode, erlangNodeName, type ContainerFacts, type CookieSource, type NodeDiscovery } from './discovery';
export { splitShellWords } from './shellWords';
export { PRIVATE_COOKIE_VARIABLE, cookieVariablesEmptied, privateCookieShellArgs } from './ownVm';
