// Requests from the far end inside our dialog (RFC 3261 §12.2.2): BYE, REFER (RFC 3515, answered
// 202 + a NOTIFY with a sipfrag status), re-INVITE and UPDATE (new SDP offers; the re-INVITE's
// 2xx is retransmitted until its ACK), OPTIONS, INFO; everything else is refused politely.
import type { ReferRequest } from './call-api.js';
import type { CallContext, CallLifecycle, ResolvedCallOptions } from './call-context.js';
import type { CallIo } from './call-io.js';
import type { CallMedia } from './call-media.js';
import type { Dialog } from './dialog.js';
import type { SipCallerLogger } from './logger.js';
import { answerDirection, parseSdp, type MediaDirection, type NegotiatedAudio } from './sdp.js';
import {
  getHeader,
  getHeaders,
  headerTag,
  parseCSeq,
  parseNameAddr,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';
import {
  buildResponse,
  responseDestination,
  type Destination,
  type ResponseOptions,
} from './transaction.js';

/** The methods we take, advertised in Allow. */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, INFO, UPDATE';
/** Methods we know but do not take in a dialog: 405 rather than 501. */
const KNOWN_METHODS = new Set(['SUBSCRIBE', 'MESSAGE', 'PRACK', 'PUBLISH', 'REGISTER']);

type Responder = (
  status: number,
  reason: string,
  extra?: SipHeader[],
  body?: Buffer,
  contentType?: string,
) => SipResponse;

export interface FarEndRequestsParts {
  ctx: Pick<CallContext, 'now' | 'userAgent' | 'timers'>;
  opts: Pick<ResolvedCallOptions, 'referNotify'>;
  host: CallLifecycle;
  dialog: Dialog;
  media: CallMedia;
  io: CallIo;
  log: SipCallerLogger;
}

export class FarEndRequests {
  /** REFER requests received, in order. */
  readonly refers: ReferRequest[] = [];
  /** Our 2xx to a re-INVITE, retransmitted until the ACK arrives. */
  private pendingReinvite:
    { response: SipResponse; dest: Destination; timer?: NodeJS.Timeout } | undefined;

  private readonly ctx: FarEndRequestsParts['ctx'];
  private readonly opts: FarEndRequestsParts['opts'];
  private readonly host: CallLifecycle;
  private readonly dialog: Dialog;
  private readonly media: CallMedia;
  private readonly io: CallIo;
  private readonly log: SipCallerLogger;

  constructor(parts: FarEndRequestsParts) {
    this.ctx = parts.ctx;
    this.opts = parts.opts;
    this.host = parts.host;
    this.dialog = parts.dialog;
    this.media = parts.media;
    this.io = parts.io;
    this.log = parts.log;
  }

  handle(req: SipRequest, source: Destination): void {
    if (req.method === 'ACK') {
      this.onAck(req);
      return;
    }
    const dest = responseDestination(req, source);
    const respond: Responder = (status, reason, extra = [], body, contentType) => {
      const options: ResponseOptions = {
        toTag: this.dialog.localTag,
        headers: [...extra, { name: 'Server', value: this.ctx.userAgent }],
      };
      if (body) options.body = body;
      if (contentType) options.contentType = contentType;
      const response = buildResponse(req, status, reason, source, options);
      this.io.respond(req, response, dest);
      return response;
    };
    const toTag = headerTag(getHeader(req, 'To'));
    const fromTag = headerTag(getHeader(req, 'From'));
    const { localTag, remoteTag } = this.dialog;
    if (req.method === 'CANCEL') {
      // Our re-INVITE answers are immediate, so there is nothing left to cancel.
      respond(
        toTag === localTag ? 200 : 481,
        toTag === localTag ? 'OK' : 'Call/Transaction Does Not Exist',
      );
      return;
    }
    if (!remoteTag || toTag !== localTag || fromTag !== remoteTag || this.host.hasEnded) {
      respond(481, 'Call/Transaction Does Not Exist');
      return;
    }
    let cseq: number;
    try {
      cseq = parseCSeq(getHeader(req, 'CSeq') ?? '').seq;
    } catch {
      respond(400, 'Bad Request');
      return;
    }
    if (this.dialog.remoteCSeq !== undefined && cseq <= this.dialog.remoteCSeq) {
      respond(500, 'Server Internal Error', [{ name: 'Retry-After', value: '1' }]);
      return;
    }
    this.dialog.remoteCSeq = cseq;
    this.host.emit('request', req);

    switch (req.method) {
      case 'BYE':
        respond(200, 'OK');
        if (this.host.state === 'terminating') {
          this.host.finish({ by: 'local', reason: 'bye', status: 200, reasonPhrase: 'OK' });
        } else {
          this.host.finish({ by: 'remote', reason: 'bye' });
        }
        this.host.releaseSoon();
        return;
      case 'REFER':
        this.onRefer(req, cseq, respond);
        return;
      case 'OPTIONS':
        respond(200, 'OK', [
          { name: 'Allow', value: ALLOW },
          { name: 'Accept', value: 'application/sdp' },
        ]);
        return;
      case 'INFO':
        respond(200, 'OK');
        return;
      case 'NOTIFY':
        // We never subscribe to anything (RFC 6665 §4.1.3).
        respond(481, 'Subscription Does Not Exist');
        return;
      case 'INVITE':
      case 'UPDATE':
        this.onSessionModification(req, respond, dest);
        return;
      default:
        if (KNOWN_METHODS.has(req.method)) {
          respond(405, 'Method Not Allowed', [{ name: 'Allow', value: ALLOW }]);
        } else {
          respond(501, 'Not Implemented', [{ name: 'Allow', value: ALLOW }]);
        }
    }
  }

  private onRefer(req: SipRequest, cseq: number, respond: Responder): void {
    const referTos = getHeaders(req, 'Refer-To');
    const referTo = referTos[0];
    if (referTos.length !== 1 || !referTo) {
      respond(400, 'Bad Request');
      return;
    }
    let referToUri: string;
    try {
      referToUri = parseNameAddr(referTo).uri;
    } catch {
      respond(400, 'Bad Request');
      return;
    }
    respond(202, 'Accepted', [this.dialog.contactHeader()]);
    const refer: ReferRequest = {
      at: this.ctx.now(),
      referTo,
      referToUri,
      cseq,
      headers: req.headers,
    };
    const referredBy = getHeader(req, 'Referred-By');
    if (referredBy) refer.referredBy = referredBy;
    // The first REFER's NOTIFY carries a bare `refer`; later ones an id (RFC 3515 §2.4.6).
    const event = this.refers.length === 0 ? 'refer' : `refer;id=${cseq}`;
    this.refers.push(refer);
    this.host.emit('refer', refer);
    const { status, reason } = this.opts.referNotify;
    this.dialog.send(
      'NOTIFY',
      [
        { name: 'Event', value: event },
        { name: 'Subscription-State', value: 'terminated;reason=noresource' },
      ],
      {
        contentType: 'message/sipfrag;version=2.0',
        data: Buffer.from(`SIP/2.0 ${status} ${reason}\r\n`),
      },
      (res) => {
        refer.notifyResponse = res?.status ?? 408;
        if (!res || res.status >= 300)
          this.log.warn({ status: res?.status }, 'NOTIFY not accepted');
      },
    );
  }

  /** re-INVITE / UPDATE: answer an SDP offer (or make one when the request has none). */
  private onSessionModification(req: SipRequest, respond: Responder, dest: Destination): void {
    if (req.method === 'INVITE' && this.pendingReinvite) {
      respond(500, 'Server Internal Error', [{ name: 'Retry-After', value: '1' }]);
      return;
    }
    this.dialog.refreshTarget(req);
    if (req.body.length > 0) {
      try {
        const offer = parseSdp(req.body.toString('utf8'));
        const media = this.media.negotiate(offer);
        this.applyMedia(
          media,
          answerDirection(offer.media.find((m) => m.type === 'audio')?.direction ?? 'sendrecv'),
        );
      } catch (err) {
        respond(488, 'Not Acceptable Here', [
          { name: 'Warning', value: `399 - "${(err as Error).message}"` },
        ]);
        return;
      }
    }
    const response = respond(
      200,
      'OK',
      [this.dialog.contactHeader(), { name: 'Allow', value: ALLOW }],
      Buffer.from(this.media.localSdp),
      'application/sdp',
    );
    if (req.method === 'INVITE') {
      // Retransmit the 2xx until the ACK arrives (§13.3.1.4).
      this.pendingReinvite = { response, dest };
      this.retransmitReinviteOk(this.ctx.timers.t1Ms, 0);
    }
  }

  private retransmitReinviteOk(interval: number, elapsed: number): void {
    const pending = this.pendingReinvite;
    if (!pending) return;
    pending.timer = this.io.setTimer(() => {
      if (this.pendingReinvite !== pending) return;
      if (elapsed + interval >= 64 * this.ctx.timers.t1Ms) {
        this.log.warn({}, 'no ACK for re-INVITE 200 OK');
        this.pendingReinvite = undefined;
        return;
      }
      this.io.send(pending.response, pending.dest);
      this.retransmitReinviteOk(Math.min(interval * 2, this.ctx.timers.t2Ms), elapsed + interval);
    }, interval);
  }

  private onAck(req: SipRequest): void {
    const pending = this.pendingReinvite;
    if (!pending) return;
    this.io.clearTimer(pending.timer);
    this.pendingReinvite = undefined;
    if (req.body.length > 0) {
      try {
        const answer = parseSdp(req.body.toString('utf8'));
        this.applyMedia(this.media.negotiate(answer), this.media.localDirection);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'unusable SDP in ACK');
      }
    }
  }

  private applyMedia(media: NegotiatedAudio, direction: MediaDirection): void {
    this.media.setDirection(direction);
    if (this.host.state === 'confirmed') this.media.start(media);
  }
}
