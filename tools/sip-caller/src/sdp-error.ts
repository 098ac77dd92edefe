// An SDP that cannot be used: malformed, or offering nothing the caller can take.
export class SdpError extends Error {
  override name = 'SdpError';
}
