// The local stack as a library, for the e2e harness and the benchmarks; `npm start` runs main.ts.
export {
  PORTS,
  startStack,
  type RestartableService,
  type Stack,
  type StackOptions,
  type StackSecrets,
} from './stack.js';
export type { ManagedProcess } from './processes.js';
export { AGENT_BUNDLE, AGENT_LOAD_ONLY_ENV, bundleAgent } from './services.js';
export { startWorkerHost, type WorkerHost, type WorkerHostOptions } from './worker-host.js';
export { DEV_TLS_DIR, devTlsCaFile, sipTlsFiles, type SipTlsFiles } from './sip-tls.js';
