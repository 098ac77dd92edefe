import { fileURLToPath } from 'node:url';

export {
  createRealtimeEmulator,
  type RealtimeEmulator,
  type RealtimeEmulatorOptions,
  type RecordedClientEvent,
  type RecordedServerEvent,
} from './server.js';
export {
  loadScenarioFile,
  parseScenario,
  scenarioSchema,
  type Scenario,
  type ScenarioInput,
  type ScenarioRule,
} from './scenario.js';
export type {
  ConversationItemRecord,
  EmulatorSessionInfo,
  FunctionCallOutputRecord,
  FunctionCallRecord,
  ResponseRecord,
  UserTurnRecord,
  ViolationRecord,
} from './records.js';
export type { AudioPacing } from './response-stream.js';
export {
  PROFILES,
  createRng,
  describeProfile,
  resolveProfile,
  type ProfileInput,
  type ProfileName,
  type TimingProfile,
} from './profile.js';
export { createSileroVadFactory } from './silero-vad.js';
export { energyVadFactory, type TurnVad, type TurnVadFactory } from './vad.js';
export type { Dialect, SessionConfig } from './protocol.js';
export { parseClientEvent, type ClientEvent } from './client-events.js';
export { DEFAULT_MAX_SESSION_MS } from './session.js';
export {
  SAMPLE_RATE,
  bufferToPcm16,
  chunkPcm16,
  concatPcm16,
  pcm16ToBuffer,
  rms,
  rmsToDbfs,
  silence,
  synthesizeSpeech,
  tone,
} from './audio.js';

/** The shipped scenario files (support-call.json: the support script the e2e tests use). */
export const SCENARIOS_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));
