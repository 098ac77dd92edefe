/** The AudioWorklet processor's registered name, shared by the worklet and the page. */
export const PHONE_PROCESSOR_NAME = 'phone-band-8k-mulaw';
