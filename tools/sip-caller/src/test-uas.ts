// Test support: a scripted UAS and an RTP sink on real UDP sockets bound to 127.0.0.1, for
// deterministic tests of the caller's transactions and dialog handling (no sipp needed).
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import {
  getHeader,
  parseSipMessage,
  serializeSipMessage,
  type SipHeader,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';
import { buildResponse, type Destination } from './transaction.js';

export interface Received<T extends SipMessage = SipMessage> {
  message: T;
  from: Destination;
  at: number;
}

function bind(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

export class TestUas {
  readonly log: Received[] = [];
  private readonly consumed = new Set<Received>();
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (data, rinfo) => {
      let message: SipMessage;
      try {
        message = parseSipMessage(data);
      } catch {
        return;
      }
      this.log.push({ message, from: { host: rinfo.address, port: rinfo.port }, at: Date.now() });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async start(): Promise<TestUas> {
    return new TestUas(await bind());
  }

  get port(): number {
    return this.socket.address().port;
  }

  get contact(): string {
    return `sip:uas@127.0.0.1:${this.port}`;
  }

  requests(method: string): Received<SipRequest>[] {
    return this.log.filter(
      (r): r is Received<SipRequest> => r.message.kind === 'request' && r.message.method === method,
    );
  }

  /** The first message not yet returned by waitFor that matches. */
  async waitFor(predicate: (m: SipMessage) => boolean, timeoutMs = 2000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.log.find((r) => !this.consumed.has(r) && predicate(r.message));
      if (hit) {
        this.consumed.add(hit);
        return hit;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`TestUas: no matching message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitForRequest(method: string, timeoutMs = 2000): Promise<Received<SipRequest>> {
    return (await this.waitFor(
      (m) => m.kind === 'request' && m.method === method,
      timeoutMs,
    )) as Received<SipRequest>;
  }

  async waitForResponse(cseqMethod: string, timeoutMs = 2000): Promise<Received<SipResponse>> {
    return (await this.waitFor(
      (m) => m.kind === 'response' && (getHeader(m, 'CSeq') ?? '').endsWith(` ${cseqMethod}`),
      timeoutMs,
    )) as Received<SipResponse>;
  }

  respond(
    req: Received<SipRequest>,
    status: number,
    reason: string,
    options: { toTag?: string; headers?: SipHeader[]; body?: string } = {},
  ): SipResponse {
    const opts: Parameters<typeof buildResponse>[4] = { headers: options.headers ?? [] };
    if (options.toTag) opts.toTag = options.toTag;
    if (options.body) opts.body = Buffer.from(options.body);
    const response = buildResponse(req.message, status, reason, req.from, opts);
    this.send(response, req.from);
    return response;
  }

  send(message: SipMessage, dest: Destination): void {
    this.socket.send(serializeSipMessage(message), dest.port, dest.host);
  }

  /** An in-dialog request from this UAS (the callee) towards the caller of `invite`. */
  dialogRequest(
    invite: Received<SipRequest>,
    uasTag: string,
    method: string,
    cseq: number,
    options: { headers?: SipHeader[]; body?: string; branch?: string } = {},
  ): SipRequest {
    const contact = /<([^>]+)>/.exec(getHeader(invite.message, 'Contact') ?? '')?.[1] ?? '';
    const headers: SipHeader[] = [
      {
        name: 'Via',
        value: `SIP/2.0/UDP 127.0.0.1:${this.port};branch=${options.branch ?? `z9hG4bK${randomBytes(6).toString('hex')}`}`,
      },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `${getHeader(invite.message, 'To')};tag=${uasTag}` },
      { name: 'To', value: getHeader(invite.message, 'From') ?? '' },
      { name: 'Call-ID', value: getHeader(invite.message, 'Call-ID') ?? '' },
      { name: 'CSeq', value: `${cseq} ${method}` },
      { name: 'Contact', value: `<${this.contact}>` },
      ...(options.headers ?? []),
    ];
    return {
      kind: 'request',
      method,
      uri: contact,
      headers,
      body: Buffer.from(options.body ?? ''),
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

export interface SinkPacket {
  at: number;
  data: Buffer;
}

/** Records every datagram it receives (stands in for the far end's RTP port). */
export class RtpSink {
  readonly packets: SinkPacket[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (data) => this.packets.push({ at: Date.now(), data }));
  }

  static async open(): Promise<RtpSink> {
    return new RtpSink(await bind());
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: Buffer, dest: Destination): void {
    this.socket.send(data, dest.port, dest.host);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** A PCMU + telephone-event answer pointing at `port` on 127.0.0.1. */
export function answerSdp(port: number, version = 1, extra: string[] = []): string {
  return [
    'v=0',
    `o=uas 7 ${version} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    'a=ptime:20',
    ...extra,
    '',
  ].join('\r\n');
}
