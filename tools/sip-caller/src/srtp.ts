// SRTP packet protection (RFC 3711, AES_CM_128_HMAC_SHA1_80) for one call, by werift-rtp: our
// packets are encrypted with our SDES key, the far end's are authenticated and decrypted with its.
import { ProtectionProfileAes128CmHmacSha1_80, RtpHeader, SrtpSession } from 'werift-rtp';
import { SRTP_KEY_BYTES } from './sdes.js';

export interface SrtpTransform {
  /** An RTP packet as SRTP (encrypted payload, 80-bit authentication tag). */
  protect(rtp: Buffer): Buffer;
  /** An SRTP packet as RTP; throws when it does not authenticate (wrong key, tampered, plain). */
  unprotect(srtp: Buffer): Buffer;
}

/** `local`/`remote`: master key || master salt, as in the SDES a=crypto lines (sdes.ts). */
export function createSrtpTransform(keys: { local: Buffer; remote: Buffer }): SrtpTransform {
  const session = new SrtpSession({
    profile: ProtectionProfileAes128CmHmacSha1_80,
    keys: {
      localMasterKey: keys.local.subarray(0, SRTP_KEY_BYTES),
      localMasterSalt: keys.local.subarray(SRTP_KEY_BYTES),
      remoteMasterKey: keys.remote.subarray(0, SRTP_KEY_BYTES),
      remoteMasterSalt: keys.remote.subarray(SRTP_KEY_BYTES),
    },
  });
  return {
    protect(rtp) {
      const header = RtpHeader.deSerialize(rtp);
      return session.encrypt(rtp.subarray(header.serializeSize), header);
    },
    unprotect(srtp) {
      return Buffer.from(session.decrypt(srtp));
    },
  };
}
