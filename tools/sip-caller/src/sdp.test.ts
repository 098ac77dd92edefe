import { describe, expect, it } from 'vitest';
import { answerDirection, buildAudioSdp, negotiateAudio, parseSdp, SdpError } from './sdp.js';

// Shaped like livekit-sip's 200 OK answer.
const ANSWER = [
  'v=0',
  'o=LiveKit 1730000000 1730000001 IN IP4 10.77.0.1',
  's=LiveKit',
  'c=IN IP4 10.77.0.1',
  't=0 0',
  'm=audio 10042 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

describe('SDP', () => {
  it('builds our PCMU + telephone-event offer', () => {
    expect(
      buildAudioSdp({ address: '10.77.0.1', port: 40002, sessionId: '42', sessionVersion: 1 }),
    ).toBe(
      [
        'v=0',
        'o=- 42 1 IN IP4 10.77.0.1',
        's=-',
        'c=IN IP4 10.77.0.1',
        't=0 0',
        'm=audio 40002 RTP/AVP 0 101',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-16',
        'a=ptime:20',
        'a=sendrecv',
        '',
      ].join('\r\n'),
    );
    expect(buildAudioSdp({ address: '::1', port: 2, sessionId: '1', sessionVersion: 2 })).toContain(
      'c=IN IP6 ::1',
    );
  });

  it('parses an answer and negotiates PCMU and telephone-event', () => {
    const sdp = parseSdp(ANSWER);
    expect(sdp.origin).toMatchObject({ username: 'LiveKit', sessionVersion: '1730000001' });
    expect(sdp.media).toHaveLength(1);
    const audio = sdp.media[0];
    expect(audio?.formats).toEqual(['0', '101']);
    expect(audio?.rtpmap.get(101)).toEqual({ encoding: 'telephone-event', clockRate: 8000 });
    expect(audio?.fmtp.get(101)).toBe('0-16');
    expect(negotiateAudio(sdp)).toEqual({
      remoteAddress: '10.77.0.1',
      remotePort: 10042,
      audioPayloadType: 0,
      dtmfPayloadType: 101,
      direction: 'sendrecv',
      ptime: 20,
      send: true,
      receive: true,
    });
  });

  it('accepts static PT 0 without rtpmap, a remapped telephone-event and media-level c=', () => {
    const sdp = parseSdp(
      [
        'v=0',
        'o=x 1 1 IN IP4 192.0.2.1',
        's=-',
        'c=IN IP4 192.0.2.1',
        't=0 0',
        'm=audio 5004 RTP/AVP 8 0 96',
        'c=IN IP4 192.0.2.9',
        'a=rtpmap:96 telephone-event/8000',
        'a=recvonly',
      ].join('\n'),
    );
    expect(negotiateAudio(sdp)).toMatchObject({
      remoteAddress: '192.0.2.9',
      audioPayloadType: 0,
      dtmfPayloadType: 96,
      direction: 'recvonly',
      send: true,
      receive: false,
    });
  });

  it('treats c=0.0.0.0 as hold and honours session-level direction', () => {
    const held = ANSWER.replace('c=IN IP4 10.77.0.1', 'c=IN IP4 0.0.0.0');
    expect(negotiateAudio(parseSdp(held))).toMatchObject({ direction: 'inactive', send: false });
    const sendonly = ANSWER.replace('a=sendrecv', '').replace('t=0 0', 't=0 0\r\na=sendonly');
    expect(negotiateAudio(parseSdp(sendonly))).toMatchObject({ send: false, receive: true });
  });

  it('rejects unusable answers', () => {
    expect(() => negotiateAudio(parseSdp(ANSWER.replace('m=audio 10042', 'm=audio 0')))).toThrow(
      /rejected/,
    );
    expect(() =>
      negotiateAudio(
        parseSdp(
          ANSWER.replace('RTP/AVP 0 101', 'RTP/AVP 8 101').replace('a=rtpmap:0 PCMU/8000', ''),
        ),
      ),
    ).toThrow(/PCMU/);
    expect(() => negotiateAudio(parseSdp(ANSWER.replace('RTP/AVP', 'RTP/SAVP')))).toThrow(SdpError);
    expect(() => negotiateAudio(parseSdp(ANSWER.replace('c=IN IP4 10.77.0.1\r\n', '')))).toThrow(
      /c= line/,
    );
    expect(() => parseSdp('o=x 1 1 IN IP4 h\r\n')).toThrow(/v=0/);
    expect(() => parseSdp('v=0\r\nm=audio x RTP/AVP 0\r\n')).toThrow(/m= line/);
  });

  it('answers offers with the mirrored direction (RFC 3264 §6.1)', () => {
    expect(answerDirection('sendonly')).toBe('recvonly');
    expect(answerDirection('recvonly')).toBe('sendonly');
    expect(answerDirection('sendrecv')).toBe('sendrecv');
    expect(answerDirection('inactive')).toBe('inactive');
  });
});

describe('SDP with SRTP (RTP/SAVP, SDES)', () => {
  const key = Buffer.alloc(30, 9);
  const crypto = { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', keyParams: key };
  // livekit-sip's answer to an SRTP offer (media-sdk AnswerMedia): its own key, the offer's tag.
  const savpAnswer = ANSWER.replace('RTP/AVP', 'RTP/SAVP').replace(
    'a=rtpmap:0 PCMU/8000',
    `a=rtpmap:0 PCMU/8000\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${key.toString('base64')}`,
  );

  it('offers RTP/SAVP with our key, and takes the SRTP answer with the far end’s', () => {
    const offer = buildAudioSdp({
      address: '10.77.0.1',
      port: 40002,
      sessionId: '42',
      sessionVersion: 1,
      crypto,
    });
    expect(offer).toContain('m=audio 40002 RTP/SAVP 0 101\r\n');
    expect(offer).toContain(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${key.toString('base64')}`);
    expect(negotiateAudio(parseSdp(offer), { srtp: true }).srtp).toEqual(crypto);
    expect(negotiateAudio(parseSdp(savpAnswer), { srtp: true })).toMatchObject({
      remotePort: 10042,
      audioPayloadType: 0,
      srtp: crypto,
    });
  });

  it('never downgrades or upgrades: the answer’s profile must be the one offered', () => {
    expect(() => negotiateAudio(parseSdp(ANSWER), { srtp: true })).toThrow(
      /unsupported audio transport RTP\/AVP \(want RTP\/SAVP\)/,
    );
    expect(() => negotiateAudio(parseSdp(savpAnswer))).toThrow(/want RTP\/AVP/);
    const keyless = savpAnswer.replace(/a=crypto:[^\r]*\r\n/, '');
    expect(() => negotiateAudio(parseSdp(keyless), { srtp: true })).toThrow(SdpError);
  });

  it('takes the first crypto line it can use from an offer that lists several', () => {
    const several = savpAnswer.replace(
      'a=crypto:1',
      `a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:${Buffer.alloc(46).toString('base64')}\r\na=crypto:2`,
    );
    expect(negotiateAudio(parseSdp(several), { srtp: true }).srtp?.tag).toBe(2);
  });
});
