// The dialog (RFC 3261 §12): our tag and URIs from the INVITE on, the far end's tag, target and
// route set once a 2xx establishes it, both CSeq spaces, and the requests we send inside it.
import { randomBytes } from 'node:crypto';
import type { ResolvedCallOptions } from './call-context.js';
import type { CallIo } from './call-io.js';
import type { DigestCredentials } from './credentials.js';
import {
  escapeUser,
  formatNameAddr,
  getHeader,
  getHeaders,
  hostPort,
  parseNameAddr,
  parseSipUri,
  type SipHeader,
  type SipParams,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';
import type { SipTransportName } from './sip-transport.js';
import type { Destination } from './transaction.js';

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function newBranch(): string {
  return `z9hG4bK${randomHex(10)}`;
}

/** Where to send a request for a URI (no DNS SRV/NAPTR: A/AAAA lookups by the socket only). */
export function uriDestination(uri: string): Destination {
  const parsed = parseSipUri(uri);
  const maddr = parsed.params['maddr'];
  const host = (maddr ?? parsed.host).replace(/^\[|\]$/g, '');
  const tls = parsed.params['transport']?.toLowerCase() === 'tls' || /^sips:/i.test(uri);
  return { host, port: parsed.port ?? (tls ? 5061 : 5060) };
}

export interface DialogOptions {
  callId: string;
  /** Our address as written into Via and Contact. */
  advertisedAddress: string;
  localPort(): number;
  /** Via's transport; TLS also puts `;transport=tls` on our Contact and the Request-URI. */
  transport: SipTransportName;
  userAgent: string;
  call: Pick<ResolvedCallOptions, 'to' | 'from' | 'displayName' | 'domain' | 'fromHost' | 'server'>;
  io: Pick<CallIo, 'newTransaction'>;
  credentials: Pick<DigestCredentials, 'headers' | 'learnChallenge'>;
}

export interface DialogBody {
  contentType: string;
  data: Buffer;
}

export class Dialog {
  readonly callId: string;
  readonly localTag = randomHex(6);
  readonly requestUri: string;
  /** The far end's CSeq so far: older or repeated requests are refused (§12.2.2). */
  remoteCSeq: number | undefined;
  private readonly localUri: string;
  private readonly remoteUri: string;
  private localCSeq = 0;
  private _remoteTag: string | undefined;
  private remoteTarget: string | undefined;
  private routeSet: string[] = [];

  constructor(private readonly opts: DialogOptions) {
    this.callId = opts.callId;
    const { call } = opts;
    const domainHost = hostPort(call.domain);
    this.localUri = `sip:${escapeUser(call.from)}@${call.fromHost === undefined ? domainHost : hostPort(call.fromHost)}`;
    this.remoteUri = `sip:${escapeUser(call.to)}@${domainHost}`;
    const defaultPort = opts.transport === 'TLS' ? 5061 : 5060;
    const withPort =
      call.domain === call.server.host && call.server.port !== defaultPort
        ? hostPort(call.domain, call.server.port)
        : domainHost;
    this.requestUri = `sip:${escapeUser(call.to)}@${withPort}${this.transportParam}`;
  }

  /** The far end's tag, set by the 2xx that establishes the dialog. */
  get remoteTag(): string | undefined {
    return this._remoteTag;
  }

  nextCSeq(): number {
    return ++this.localCSeq;
  }

  /** Takes the far end's tag, target (its Contact) and route set from the 2xx (§12.1.2). */
  establish(res: SipResponse, toTag: string | undefined): void {
    this._remoteTag = toTag;
    const contact = getHeader(res, 'Contact');
    try {
      this.remoteTarget = contact ? parseNameAddr(contact).uri : this.requestUri;
    } catch {
      this.remoteTarget = this.requestUri;
    }
    this.routeSet = getHeaders(res, 'Record-Route').reverse();
  }

  /** A re-INVITE/UPDATE's Contact becomes the new remote target (§12.2.2). */
  refreshTarget(req: SipRequest): void {
    const contact = getHeader(req, 'Contact');
    if (contact) {
      try {
        this.remoteTarget = parseNameAddr(contact).uri; // target refresh (§12.2.2)
      } catch {
        // keep the previous target
      }
    }
  }

  /** sip: URIs with transport=tls, as carriers write them (RFC 3261 §26.2.2 deprecates it for
   * sips:, which livekit-sip neither needs nor treats differently). */
  private get transportParam(): string {
    return this.opts.transport === 'TLS' ? ';transport=tls' : '';
  }

  contactHeader(): SipHeader {
    const uri = `sip:${escapeUser(this.opts.call.from)}@${hostPort(this.opts.advertisedAddress, this.opts.localPort())}${this.transportParam}`;
    return { name: 'Contact', value: `<${uri}>` };
  }

  via(branch: string): SipHeader {
    return {
      name: 'Via',
      value: `SIP/2.0/${this.opts.transport} ${hostPort(this.opts.advertisedAddress, this.opts.localPort())};branch=${branch};rport`,
    };
  }

  fromHeader(): SipHeader {
    const addr: Parameters<typeof formatNameAddr>[0] = {
      uri: this.localUri,
      params: { tag: this.localTag },
    };
    if (this.opts.call.displayName) addr.displayName = this.opts.call.displayName;
    return { name: 'From', value: formatNameAddr(addr) };
  }

  toHeader(): SipHeader {
    const params: SipParams = this._remoteTag ? { tag: this._remoteTag } : {};
    return { name: 'To', value: formatNameAddr({ uri: this.remoteUri, params }) };
  }

  buildRequest(
    method: string,
    extra: SipHeader[],
    body?: DialogBody,
    cseqOverride?: number,
  ): { request: SipRequest; dest: Destination } {
    const cseq = cseqOverride ?? ++this.localCSeq;
    const target = this.remoteTarget ?? this.requestUri;
    let uri = target;
    let routes = [...this.routeSet];
    const first = routes[0];
    if (first && !/;\s*lr\b/i.test(parseNameAddr(first).uri)) {
      // Strict routing (RFC 2543 proxies): the first route becomes the Request-URI (§12.2.1.1).
      uri = parseNameAddr(first).uri;
      routes = [...routes.slice(1), `<${target}>`];
    }
    const headers: SipHeader[] = [
      this.via(newBranch()),
      { name: 'Max-Forwards', value: '70' },
      this.fromHeader(),
      this.toHeader(),
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${cseq} ${method}` },
      ...routes.map((value) => ({ name: 'Route', value })),
    ];
    if (method !== 'ACK' && method !== 'BYE') headers.push(this.contactHeader());
    if (method !== 'ACK') headers.push({ name: 'User-Agent', value: this.opts.userAgent });
    headers.push(...extra);
    if (body) headers.push({ name: 'Content-Type', value: body.contentType });
    const dest = uriDestination(this.routeSet[0] ? parseNameAddr(this.routeSet[0]).uri : target);
    return {
      request: { kind: 'request', method, uri, headers, body: body?.data ?? Buffer.alloc(0) },
      dest,
    };
  }

  /** Sends an in-dialog request in its own transaction, answering one digest challenge. */
  send(
    method: string,
    extra: SipHeader[],
    body: DialogBody | undefined,
    onFinal: (res: SipResponse | undefined) => void,
    retried = false,
  ): void {
    const { request, dest } = this.buildRequest(method, extra, body);
    if (retried) {
      // Credentials go before Content-Type, computed over the actual Request-URI.
      const auth = this.opts.credentials.headers(method, request.uri, request.body);
      const at = request.headers.findIndex((h) => h.name === 'Content-Type');
      request.headers.splice(at < 0 ? request.headers.length : at, 0, ...auth);
    }
    const tx = this.opts.io.newTransaction(request, dest, {
      onResponse: (res) => {
        if (res.status < 200) return;
        if (
          (res.status === 401 || res.status === 407) &&
          !retried &&
          this.opts.credentials.learnChallenge(res)
        ) {
          this.send(method, extra, body, onFinal, true);
          return;
        }
        onFinal(res);
      },
      onTimeout: () => onFinal(undefined),
    });
    tx.start();
  }
}
