export { FACTS_SCRIPT, parseContainerFacts, type ContainerWatchFacts } from './containerFacts';
export { namedVolumeEdits, serviceSettings, stdinOpenEdit, type ServiceSettings } from './composeEdits';
export { classifyMount, expectedMountKind, mountOf, onWindowsDriveFromWsl, parseMounts, type MountEntry, type MountKind } from './mounts';
export { chooseProbeParent, containerPath, folderMissing, isProbeEvent, probeFileName, probeFolderName, probeWatchArgv, watchesEstablished, type ProbeOutcome } from './probe';
export { POLL_INTERVAL_MS, pollingBackendEdit, readWatchConfig, watcherFlagEdit, type AssetWatcher, type ConfigFile, type LiveReloadConfig, type WatchConfig } from './projectConfig';
export { SLOW_EVENT_MS, decideFileWatching, type FileWatchingFacts, type FileWatchingReport, type Finding, type Fix, type Severity } from './report';
