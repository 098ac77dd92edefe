export {
  cfsQuotaUs,
  cgroupName,
  cpuCgroupsAvailable,
  createCpuCgroup,
  removeStaleCgroups,
  type CpuCgroup,
  type CpuCgroupOptions,
  type CpuThrottling,
} from './cgroups.js';
export { eventually } from './eventually.js';
export { freePort } from './free-port.js';
export { createSpeechSynthesizer } from './speech.js';
export { createTestHost, type TestHost, type TestHostOptions } from './test-hosts.js';
export {
  startWorkerHost,
  WORKER_HOST_UP,
  type WorkerHost,
  type WorkerHostOptions,
} from './worker-hosts.js';
