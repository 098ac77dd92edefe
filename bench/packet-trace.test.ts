import { pcm16ToMulaw, MULAW_SILENCE, tone } from '@ecommerce-voicebot/sip-caller';
import { describe, expect, it } from 'vitest';
import { parseRtp, readPcapUdp, traceCapture, type CapturedUdp } from './packet-trace.js';

const SFU = { min: 50000, max: 50199 };
const BRIDGE = { min: 10000, max: 10199 };
const AGENT_PORT = 41000;
const BRIDGE_WEBRTC_PORT = 42000;
const CALLER_PORT = 40000;

function rtp(opts: {
  marker?: boolean;
  payloadType: number;
  payload?: Buffer;
  extension?: boolean;
}) {
  const ext = opts.extension
    ? Buffer.from([0xbe, 0xde, 0x00, 0x01, 0x10, 0xff, 0x00, 0x00])
    : Buffer.alloc(0);
  const header = Buffer.alloc(12);
  header[0] = 0x80 | (opts.extension ? 0x10 : 0);
  header[1] = (opts.marker ? 0x80 : 0) | opts.payloadType;
  header.writeUInt16BE(7, 2);
  header.writeUInt32BE(960, 4);
  header.writeUInt32BE(0x1234, 8);
  return Buffer.concat([header, ext, opts.payload ?? Buffer.alloc(40, 0xaa)]);
}
const rtcpSenderReport = () => Buffer.from([0x80, 200, 0x00, 0x06, ...Buffer.alloc(24)]);
const silentPcmu = () => rtp({ payloadType: 0, payload: Buffer.alloc(160, MULAW_SILENCE) });
const loudPcmu = () => rtp({ payloadType: 0, payload: pcm16ToMulaw(tone(440, 20, 0.3)) });

/** A classic pcap with Linux cooked (SLL2) frames around IPv4/UDP, as `tcpdump -i any` writes. */
function pcap(packets: CapturedUdp[], linkType = 276): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(linkType, 20);
  const records = packets.map((p) => {
    const link = Buffer.alloc(linkType === 276 ? 20 : 14);
    if (linkType === 276) link.writeUInt16BE(0x0800, 0);
    else link.writeUInt16BE(0x0800, 12);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip[9] = 17;
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(p.srcPort, 0);
    udp.writeUInt16BE(p.dstPort, 2);
    udp.writeUInt16BE(8 + p.payload.length, 4);
    const frame = Buffer.concat([link, ip, udp, p.payload]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(p.at / 1000), 0);
    rec.writeUInt32LE(Math.round((p.at % 1000) * 1000), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    return Buffer.concat([rec, frame]);
  });
  return Buffer.concat([head, ...records]);
}

const T0 = 1_796_535_557_000;
const at = (ms: number) => T0 + ms;

/** One answer's start: caller audio flowing all along, the agent's talkspurt, the bridge's mix. */
function answer(): CapturedUdp[] {
  const packets: CapturedUdp[] = [];
  for (let t = -40; t <= 200; t += 20) {
    // The caller's stream through the bridge to livekit-server (livekit-sip marks every packet)
    // and on to the agent.
    packets.push({
      at: at(t),
      srcPort: BRIDGE_WEBRTC_PORT,
      dstPort: 50001,
      payload: rtp({ marker: true, payloadType: 111 }),
    });
    packets.push({
      at: at(t + 1),
      srcPort: 50000,
      dstPort: AGENT_PORT,
      payload: rtp({ payloadType: 111 }),
    });
  }
  // RTCP looks like a marked RTP packet to a careless reader (second byte 200 ≥ 128).
  packets.push({ at: at(3), srcPort: AGENT_PORT, dstPort: 50000, payload: rtcpSenderReport() });
  packets.push({
    at: at(4),
    srcPort: 50001,
    dstPort: BRIDGE_WEBRTC_PORT,
    payload: rtcpSenderReport(),
  });
  packets.push({
    at: at(15),
    srcPort: AGENT_PORT,
    dstPort: 50000,
    payload: rtp({ marker: true, payloadType: 63, extension: true }),
  });
  for (let t = 35; t <= 235; t += 20)
    packets.push({
      at: at(t),
      srcPort: AGENT_PORT,
      dstPort: 50000,
      payload: rtp({ payloadType: 63 }),
    });
  // livekit-server clears the marker when it forwards; the DTX pair before the answer is older.
  packets.push({
    at: at(-380),
    srcPort: 50001,
    dstPort: BRIDGE_WEBRTC_PORT,
    payload: rtp({ payloadType: 111 }),
  });
  packets.push({
    at: at(16),
    srcPort: 50001,
    dstPort: BRIDGE_WEBRTC_PORT,
    payload: rtp({ payloadType: 111 }),
  });
  for (let t = 5; t <= 105; t += 20)
    packets.push({ at: at(t), srcPort: 10066, dstPort: CALLER_PORT, payload: silentPcmu() });
  for (let t = 125; t <= 185; t += 20)
    packets.push({ at: at(t), srcPort: 10066, dstPort: CALLER_PORT, payload: loudPcmu() });
  return packets.sort((a, b) => a.at - b.at);
}

// The caller's clock runs 12 ms behind the capture's; the guess is 30 ms off.
const CALLER_BEHIND = 12;
const hopsOf = (packets: CapturedUdp[], heardAt = at(125) - CALLER_BEHIND) =>
  traceCapture({ packets, sfuPorts: SFU, bridgePorts: BRIDGE, audibleDbfs: -45 })({
    firstChunkAt: T0 - CALLER_BEHIND,
    heardAt,
    roughOffsetMs: CALLER_BEHIND + 30,
  });

describe('packet trace', () => {
  it('reads IPv4/UDP packets from a cooked and an Ethernet capture, with their times', () => {
    for (const linkType of [276, 1]) {
      const read = readPcapUdp(pcap(answer(), linkType));
      expect(read).toHaveLength(answer().length);
      const first = read[0]!;
      expect(first.at).toBeCloseTo(at(-380), 3);
      expect(first.srcPort).toBe(50001);
      expect(parseRtp(first.payload)?.payloadType).toBe(111);
    }
  });

  it('refuses what is not a classic pcap file', () => {
    expect(() => readPcapUdp(Buffer.alloc(24))).toThrow(/not a classic/);
    expect(() => readPcapUdp(pcap(answer(), 105))).toThrow(/link type 105/);
  });

  it('tells RTP from RTCP and finds the payload past header extensions', () => {
    expect(parseRtp(rtcpSenderReport())).toBeUndefined();
    const marked = parseRtp(rtp({ marker: true, payloadType: 63, extension: true }))!;
    expect(marked).toMatchObject({ marker: true, payloadType: 63, payloadOffset: 20 });
    expect(parseRtp(Buffer.from([0x16, 0xfe, 0xfd, ...Buffer.alloc(20)]))).toBeUndefined(); // DTLS
  });

  it('splits the first audio into agent, SFU and bridge, pinning the clocks on the heard packet', () => {
    const hops = hopsOf(readPcapUdp(pcap(answer())));
    expect(hops).toEqual({
      agentMs: expect.closeTo(15, 3),
      sfuMs: expect.closeTo(1, 3),
      bridgeMs: expect.closeTo(109, 3),
    });
  });

  it('says which hop it cannot follow', () => {
    const withoutMarker = answer().filter(
      (p) => !(p.srcPort === AGENT_PORT && parseRtp(p.payload)?.marker),
    );
    expect(hopsOf(withoutMarker)).toMatch(/reached livekit-server/);
    const notForwarded = answer().filter(
      (p) => !(p.dstPort === BRIDGE_WEBRTC_PORT && p.at === at(16)),
    );
    expect(hopsOf(notForwarded)).toMatch(/forwarded no RTP/);
    const silentOnly = answer().filter((p) => p.dstPort !== CALLER_PORT || p.at < at(125));
    expect(hopsOf(silentOnly)).toMatch(/no audible/);
    // Heard far from any onset: the clocks are not what the guess says.
    expect(hopsOf(answer(), at(600))).toMatch(/no audible/);
  });
});
