// Where an answer's first audio waits between the model and the caller, read from a packet capture
// of the test network (tcpdump, `npm run bench:voice -- --packet-trace`). SRTP encrypts payloads
// but not RTP headers, so the agent's talkspurt can be followed by its marker bit:
//
//   the emulator sends the first audio chunk                              (bench clock)
//     → the agent's first RTP packet of the answer reaches livekit-server = agent (JS, FFI, WebRTC
//                                                                           audio source, Opus)
//     → livekit-server forwards it to the bridge                          = SFU
//     → the bridge's first audible G.711 packet to the caller             = bridge (decode, mixer,
//                                                                           resample, encode)
//
// A small pcap reader instead of a library: the npm pcap parsers are unmaintained or need libpcap
// bindings, and this needs the classic file format's IPv4/UDP records only.
import { mulawToPcm16, rmsDbfs, type PortRange } from '@ecommerce-voicebot/sip-caller';

export interface CapturedUdp {
  /** Capture time, epoch ms (the kernel's wall clock). */
  at: number;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;
const ETHERTYPE_IPV4 = 0x0800;
const IPPROTO_UDP = 17;

/** The IPv4 UDP packets of a classic pcap file (microsecond timestamps, little or big endian). */
export function readPcapUdp(file: Buffer): CapturedUdp[] {
  if (file.length < 24) throw new Error('not a pcap file: shorter than its header');
  const magic = file.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4;
  if (!little && magic !== 0xd4c3b2a1)
    throw new Error(`not a classic microsecond pcap file (magic ${magic.toString(16)})`);
  const u32 = (offset: number) => (little ? file.readUInt32LE(offset) : file.readUInt32BE(offset));
  const linkType = u32(20);
  const out: CapturedUdp[] = [];
  for (let offset = 24; offset + 16 <= file.length;) {
    const at = u32(offset) * 1000 + u32(offset + 4) / 1000;
    const included = u32(offset + 8);
    const frame = file.subarray(offset + 16, offset + 16 + included);
    offset += 16 + included;
    const link = linkHeader(linkType, frame);
    if (!link || link.etherType !== ETHERTYPE_IPV4) continue;
    const ip = link.length;
    if (frame.length < ip + 20 || frame[ip + 9] !== IPPROTO_UDP) continue;
    const ipHeader = ((frame[ip] ?? 0) & 0x0f) * 4;
    const udp = ip + ipHeader;
    if (frame.length < udp + 8) continue;
    const udpLength = frame.readUInt16BE(udp + 4);
    out.push({
      at,
      srcPort: frame.readUInt16BE(udp),
      dstPort: frame.readUInt16BE(udp + 2),
      // The snapshot length may cut the payload; the RTP header and a G.711 frame fit in 256 bytes.
      payload: frame.subarray(udp + 8, udp + Math.max(8, udpLength)),
    });
  }
  return out;
}

function linkHeader(
  linkType: number,
  frame: Buffer,
): { etherType: number; length: number } | undefined {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return frame.length >= 14 ? { etherType: frame.readUInt16BE(12), length: 14 } : undefined;
    case LINKTYPE_LINUX_SLL:
      return frame.length >= 16 ? { etherType: frame.readUInt16BE(14), length: 16 } : undefined;
    case LINKTYPE_LINUX_SLL2:
      return frame.length >= 20 ? { etherType: frame.readUInt16BE(0), length: 20 } : undefined;
    default:
      throw new Error(`pcap link type ${linkType} is not supported (capture with -i any)`);
  }
}

export interface RtpHeader {
  marker: boolean;
  payloadType: number;
  /** Where the payload starts (after CSRCs and header extensions). */
  payloadOffset: number;
}

/** The RTP header of a UDP payload, or undefined for RTCP, DTLS, STUN and anything else. */
export function parseRtp(payload: Buffer): RtpHeader | undefined {
  if (payload.length < 12 || ((payload[0] ?? 0) & 0xc0) !== 0x80) return undefined;
  const second = payload[1] ?? 0;
  // RTCP shares the version bits; its packet types 192-223 sit where RTP's marker + type would.
  if (second >= 192 && second <= 223) return undefined;
  const first = payload[0] ?? 0;
  let payloadOffset = 12 + (first & 0x0f) * 4;
  if (first & 0x10) {
    if (payload.length < payloadOffset + 4) return undefined;
    payloadOffset += 4 + payload.readUInt16BE(payloadOffset + 2) * 4;
  }
  if (payloadOffset > payload.length) return undefined;
  return {
    marker: (second & 0x80) !== 0,
    payloadType: second & 0x7f,
    payloadOffset,
  };
}

const PCMU = 0;

export interface MediaHops {
  /** First audio chunk sent by the model → the agent's first RTP packet of the answer (to the SFU). */
  agentMs: number;
  /** That packet at livekit-server → its copy forwarded to the bridge. */
  sfuMs: number;
  /** The copy at the bridge → the bridge's first audible packet to the caller. */
  bridgeMs: number;
}

export interface CaptureInput {
  packets: readonly CapturedUdp[];
  /** livekit-server's WebRTC UDP ports (livekit.yaml rtc.port_range_*). */
  sfuPorts: PortRange;
  /** The bridge's RTP ports (sip/bridge.yaml rtp_port). */
  bridgePorts: PortRange;
  /** A G.711 packet at or above this RMS level is audible (the SIP caller's threshold). */
  audibleDbfs: number;
}

export interface TurnInput {
  /** When the model sent the answer's first audio chunk (the caller's clock, epoch ms). */
  firstChunkAt: number;
  /** When the caller received the answer's first audible packet (the caller's clock). */
  heardAt: number;
  /**
   * The capture's clock minus the caller's, roughly (ms). The caller's clock is monotonic and the
   * capture's is the wall clock: they drift apart by milliseconds over a run, so each turn pins
   * the offset on its own heard packet, found within ±`searchMs` of this guess.
   */
  roughOffsetMs: number;
  searchMs?: number;
}

const inRange = (port: number, range: PortRange) => port >= range.min && port <= range.max;
const flowOf = (p: CapturedUdp) => `${p.srcPort}>${p.dstPort}`;

/**
 * Flows to livekit-server whose marker bit starts talkspurts: under one in ten of their RTP
 * packets carry it. livekit-sip marks every packet it publishes, so the caller's stream is not one.
 */
function talkspurtFlows(packets: readonly CapturedUdp[], sfuPorts: PortRange): Set<string> {
  const counts = new Map<string, { rtp: number; marked: number }>();
  for (const p of packets) {
    if (!inRange(p.dstPort, sfuPorts)) continue;
    const rtp = parseRtp(p.payload);
    if (!rtp) continue;
    const count = counts.get(flowOf(p)) ?? { rtp: 0, marked: 0 };
    count.rtp += 1;
    if (rtp.marker) count.marked += 1;
    counts.set(flowOf(p), count);
  }
  return new Set([...counts].filter(([, c]) => c.marked * 10 < c.rtp).map(([flow]) => flow));
}

/**
 * Follows answers through one capture: `hopsOf(turn)` gives a turn's first audio hop by hop, or
 * why it cannot be followed. The talkspurt flows are found once per capture.
 * - Heard: the audible G.711 packet from the bridge, after a silent one, nearest the caller's time.
 * - Published: the agent publishes with Opus DTX, so its answer starts a talkspurt: the first RTP
 *   packet with the marker bit sent to livekit-server after the model's first chunk, in a flow
 *   that marks only talkspurts (the bridge marks every packet of the caller's stream).
 * - Forwarded: livekit-server clears the marker when it forwards, so the copy is the next RTP
 *   packet it sends anywhere but back to the agent (between talkspurts only DTX packets flow, a
 *   pair per 400 ms).
 */
export function traceCapture(capture: CaptureInput): (turn: TurnInput) => MediaHops | string {
  const { packets, sfuPorts, bridgePorts } = capture;
  const talkspurts = talkspurtFlows(packets, sfuPorts);
  const audible = (p: CapturedUdp): boolean | undefined => {
    const rtp = parseRtp(p.payload);
    if (!rtp || rtp.payloadType !== PCMU) return undefined;
    return rmsDbfs(mulawToPcm16(p.payload.subarray(rtp.payloadOffset))) >= capture.audibleDbfs;
  };
  return (turn) => {
    const searchMs = turn.searchMs ?? 100;
    const expected = turn.heardAt + turn.roughOffsetMs;
    let heard: CapturedUdp | undefined;
    const lastInFlow = new Map<string, boolean | undefined>();
    for (const p of packets) {
      if (p.at > expected + searchMs) break;
      if (!inRange(p.srcPort, bridgePorts)) continue;
      const flow = flowOf(p);
      const now = audible(p);
      const onset = now === true && lastInFlow.get(flow) === false;
      lastInFlow.set(flow, now);
      if (onset && p.at >= expected - searchMs)
        if (!heard || Math.abs(p.at - expected) < Math.abs(heard.at - expected)) heard = p;
    }
    if (!heard)
      return 'the bridge sent the caller no audible packet after silence near the time heard';
    const firstChunkAt = turn.firstChunkAt + (heard.at - turn.heardAt);
    const window = packets.filter((p) => p.at >= firstChunkAt && p.at <= heard.at);
    const published = window.find(
      (p) =>
        talkspurts.has(flowOf(p)) &&
        inRange(p.dstPort, sfuPorts) &&
        parseRtp(p.payload)?.marker === true,
    );
    if (!published) return 'no RTP packet with the marker bit reached livekit-server';
    const forwarded = window.find(
      (p) =>
        p.at >= published.at &&
        inRange(p.srcPort, sfuPorts) &&
        p.dstPort !== published.srcPort &&
        parseRtp(p.payload) !== undefined,
    );
    if (!forwarded) return 'livekit-server forwarded no RTP packet after the talkspurt started';
    return {
      agentMs: published.at - firstChunkAt,
      sfuMs: forwarded.at - published.at,
      bridgeMs: heard.at - forwarded.at,
    };
  };
}
