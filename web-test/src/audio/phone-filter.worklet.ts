// AudioWorklet: the phone path (phone-filter.ts) on the microphone, one 128-sample block at a time.
// Loaded with `audioContext.audioWorklet.addModule(url)`; Vite bundles it (and phone-filter.ts)
// into one self-contained file through the `?worker&url` import in browser-services.ts.
import { createPhoneBandFilter } from './phone-filter';
import { PHONE_PROCESSOR_NAME } from './phone-processor-name';

// The AudioWorkletGlobalScope, which TypeScript's DOM library does not describe.
declare const sampleRate: number;
declare function registerProcessor(
  name: string,
  processor: new (options?: unknown) => AudioWorkletProcessorLike,
): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
interface AudioWorkletProcessorLike {
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
}

class PhoneBandProcessor extends AudioWorkletProcessor implements AudioWorkletProcessorLike {
  private readonly filter = createPhoneBandFilter(sampleRate);

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0];
    const output = outputs[0];
    const first = output?.[0];
    if (!output || !first) return true;
    if (input) this.filter.process(input, first);
    else first.fill(0);
    for (let channel = 1; channel < output.length; channel++) output[channel]?.set(first);
    return true;
  }
}

registerProcessor(PHONE_PROCESSOR_NAME, PhoneBandProcessor);
