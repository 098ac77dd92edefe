// Trunks-as-code as a library, for the integration test against a real livekit-server in e2e/;
// admins use the CLI (main.ts: `npm run sip -- plan|apply|list|delete|call`).
export { runCli, type CliDeps } from './commands.js';
export { createLiveKitClient, type LiveKitConnection } from './livekit-client.js';
