import * as openai from '@livekit/agents-plugin-openai';
import type { AgentConfig } from './config.js';

/**
 * The speech-to-speech model. With local VAD turns the model's own turn detection is off and the
 * session commits each caller turn; with server turns the model decides when the caller is done.
 */
export function createRealtimeModel(
  config: Pick<AgentConfig, 'model' | 'turnDetection'>,
): openai.realtime.RealtimeModel {
  const { model, turnDetection } = config;
  const serverTurns = turnDetection === 'server';
  if (model.azure !== undefined) {
    return openai.realtime.RealtimeModel.withAzure({
      azureDeployment: model.azure.deployment,
      azureEndpoint: model.azure.endpoint,
      apiKey: model.azure.apiKey,
      apiVersion: model.azure.apiVersion,
      voice: model.voice,
      // null (not undefined) turns the model's detection off; the parameter's type omits it.
      ...(serverTurns ? {} : { turnDetection: null as unknown as undefined }),
    });
  }
  return new openai.realtime.RealtimeModel({
    model: model.model,
    voice: model.voice,
    apiKey: model.apiKey,
    ...(model.baseURL === undefined ? {} : { baseURL: model.baseURL }),
    ...(serverTurns ? {} : { turnDetection: null }),
  });
}
