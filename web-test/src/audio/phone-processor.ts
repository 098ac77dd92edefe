// The "phone audio" switch: a LiveKit track processor that puts the microphone through the phone
// path (8 kHz, μ-law) in the browser. LiveKit publishes `processedTrack` in place of the raw
// microphone (`sender.replaceTrack`), and rebuilds the graph through `restart` when the tester
// picks another microphone.
import type { AudioProcessorOptions, Track, TrackProcessor } from 'livekit-client';
import { createPhoneBandFilter } from './phone-filter';
import { PHONE_PROCESSOR_NAME } from './phone-processor-name';

export const PHONE_AUDIO_PROCESSOR = 'qa-phone-audio';

export type PhoneAudioProcessor = TrackProcessor<Track.Kind.Audio, AudioProcessorOptions>;

const loadedModules = new WeakMap<BaseAudioContext, Promise<void>>();

function loadWorklet(context: AudioContext, url: string): Promise<void> {
  let loading = loadedModules.get(context);
  if (!loading) {
    loading = context.audioWorklet.addModule(url);
    loading.catch(() => loadedModules.delete(context));
    loadedModules.set(context, loading);
  }
  return loading;
}

interface Graph {
  source: MediaStreamAudioSourceNode;
  node: AudioNode;
  destination: MediaStreamAudioDestinationNode;
}

async function buildGraph(context: AudioContext, track: MediaStreamTrack, workletUrl: string) {
  const source = context.createMediaStreamSource(new MediaStream([track]));
  let node: AudioNode;
  if (typeof AudioWorkletNode === 'function' && context.audioWorklet) {
    await loadWorklet(context, workletUrl);
    node = new AudioWorkletNode(context, PHONE_PROCESSOR_NAME, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
    });
  } else {
    // Old browsers without AudioWorklet: the same filter on the main thread.
    const filter = createPhoneBandFilter(context.sampleRate);
    const script = context.createScriptProcessor(1024, 1, 1);
    script.onaudioprocess = (event) =>
      filter.process(event.inputBuffer.getChannelData(0), event.outputBuffer.getChannelData(0));
    node = script;
  }
  const destination = context.createMediaStreamDestination();
  destination.channelCount = 1;
  source.connect(node).connect(destination);
  if (context.state === 'suspended') await context.resume().catch(() => undefined);
  return { source, node, destination } satisfies Graph;
}

/** A processor for `LocalAudioTrack.setProcessor`; `workletUrl` is the built worklet module. */
export function createPhoneAudioProcessor(workletUrl: string): PhoneAudioProcessor {
  let graph: Graph | undefined;

  const teardown = () => {
    if (!graph) return;
    graph.source.disconnect();
    graph.node.disconnect();
    if ('onaudioprocess' in graph.node) (graph.node as ScriptProcessorNode).onaudioprocess = null;
    for (const track of graph.destination.stream.getTracks()) track.stop();
    graph = undefined;
  };

  const processor: PhoneAudioProcessor = {
    name: PHONE_AUDIO_PROCESSOR,
    async init(options) {
      teardown();
      graph = await buildGraph(options.audioContext, options.track, workletUrl);
      processor.processedTrack = graph.destination.stream.getAudioTracks()[0];
    },
    async restart(options) {
      await processor.init(options);
    },
    async destroy() {
      teardown();
      processor.processedTrack = undefined;
    },
  };
  return processor;
}
