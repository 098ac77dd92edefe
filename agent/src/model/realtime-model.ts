import * as openai from '@livekit/agents-plugin-openai';
import type { AgentConfig } from '../config.js';

type ServerTurnDetection = NonNullable<
  ConstructorParameters<typeof openai.realtime.RealtimeModel>[0]
>['turnDetection'];

/**
 * The model's own turn detection when it ends turns (`TURN_DETECTION=server`): plain server VAD
 * with the configured silence window, so a turn ends as predictably as with the local VAD
 * (semantic VAD, the plugin's default, may wait seconds for a caller who sounds unfinished).
 */
export function serverTurnDetection(silenceMs: number): NonNullable<ServerTurnDetection> {
  return {
    type: 'server_vad',
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: silenceMs,
    create_response: true,
    interrupt_response: true,
  };
}

/**
 * The speech-to-speech model. With local VAD turns the model's own turn detection is off and the
 * session commits each caller turn; with server turns the model decides when the caller is done.
 */
export function createRealtimeModel(
  config: Pick<AgentConfig, 'model' | 'turnDetection' | 'vadMinSilenceMs'>,
): openai.realtime.RealtimeModel {
  const { model, turnDetection } = config;
  // null (not undefined) turns the model's detection off; the Azure parameter's type omits it.
  const detection =
    turnDetection === 'server'
      ? serverTurnDetection(config.vadMinSilenceMs)
      : (null as unknown as undefined);
  if (model.azure !== undefined) {
    return openai.realtime.RealtimeModel.withAzure({
      azureDeployment: model.azure.deployment,
      azureEndpoint: model.azure.endpoint,
      apiKey: model.azure.apiKey,
      apiVersion: model.azure.apiVersion,
      voice: model.voice,
      turnDetection: detection,
    });
  }
  return new openai.realtime.RealtimeModel({
    model: model.model,
    voice: model.voice,
    apiKey: model.apiKey,
    ...(model.baseURL === undefined ? {} : { baseURL: model.baseURL }),
    turnDetection: detection,
  });
}
