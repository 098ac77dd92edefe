// The INVITE client side (RFC 3261 §13.2, §17.1.1): sends the INVITE, follows its provisional
// and final responses, retries digest challenges, ACKs the 2xx that sets up the dialog, and
// CANCELs (§9.1) on hangup while ringing or when no answer comes in time.
import type { AnsweredInfo, EndReason, ProvisionalInfo } from './call-api.js';
import type { CallContext, CallLifecycle, ResolvedCallOptions } from './call-context.js';
import type { CallIo } from './call-io.js';
import type { CallMedia } from './call-media.js';
import type { DigestCredentials } from './credentials.js';
import { newBranch, type Dialog } from './dialog.js';
import { ALLOW } from './far-end-requests.js';
import type { SipCallerLogger } from './logger.js';
import { parseSdp, type NegotiatedAudio, type SessionDescription } from './sdp.js';
import {
  getHeader,
  getHeaders,
  headerTag,
  parseCSeq,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';
import type { ClientTransaction, Destination } from './transaction.js';

/** What the INVITE client reports to the Call object beyond the common lifecycle. */
export interface InviteClientHost extends CallLifecycle {
  /** A 180/183 arrived (only the first settles `ringing`). */
  markRinging(info: ProvisionalInfo): void;
  /** The 200 OK carried a usable answer: settles `answered`. */
  markAnswered(info: AnsweredInfo): void;
  /** Ends the dialog the 2xx set up (a failure when its SDP answer was unusable). */
  sendBye(failure?: { reason: EndReason; error: string }): void;
}

export interface InviteClientParts {
  ctx: Pick<CallContext, 'now' | 'userAgent' | 'timers'>;
  opts: Pick<ResolvedCallOptions, 'server' | 'headers' | 'answerTimeoutMs'>;
  host: InviteClientHost;
  dialog: Dialog;
  credentials: DigestCredentials;
  media: CallMedia;
  io: CallIo;
  log: SipCallerLogger;
}

export class InviteClient {
  private invite: SipRequest | undefined;
  private inviteTx: ClientTransaction | undefined;
  private ack2xx: { cseq: number; request: SipRequest; dest: Destination } | undefined;
  private cancelRequested = false;
  private cancelSent = false;
  private cancelReason: EndReason = 'cancelled';
  private answerTimer: NodeJS.Timeout | undefined;
  private cancelGuardTimer: NodeJS.Timeout | undefined;

  private readonly ctx: InviteClientParts['ctx'];
  private readonly opts: InviteClientParts['opts'];
  private readonly host: InviteClientHost;
  private readonly dialog: Dialog;
  private readonly credentials: DigestCredentials;
  private readonly media: CallMedia;
  private readonly io: CallIo;
  private readonly log: SipCallerLogger;

  constructor(parts: InviteClientParts) {
    this.ctx = parts.ctx;
    this.opts = parts.opts;
    this.host = parts.host;
    this.dialog = parts.dialog;
    this.credentials = parts.credentials;
    this.media = parts.media;
    this.io = parts.io;
    this.log = parts.log;
  }

  /** Hangup asked for a CANCEL (a late 2xx is then ACKed and ended with BYE). */
  get cancelling(): boolean {
    return this.cancelRequested;
  }

  /** Still waiting for the first response to the INVITE (Timer A/B running). */
  get awaitingFirstResponse(): boolean {
    return this.inviteTx?.state === 'calling';
  }

  /** No provisional yet: the CANCEL waits for one (§9.1), sent by the response handler. */
  cancelOnFirstResponse(): void {
    this.cancelRequested = true;
  }

  /** CANCELs now (a provisional has arrived). */
  cancel(): void {
    this.cancelRequested = true;
    this.sendCancel();
  }

  send(): void {
    const cseq = this.dialog.nextCSeq();
    const body = Buffer.from(this.media.localSdp);
    const headers: SipHeader[] = [
      this.dialog.via(newBranch()),
      { name: 'Max-Forwards', value: '70' },
      this.dialog.fromHeader(),
      this.dialog.toHeader(),
      { name: 'Call-ID', value: this.dialog.callId },
      { name: 'CSeq', value: `${cseq} INVITE` },
      this.dialog.contactHeader(),
      { name: 'Allow', value: ALLOW },
      { name: 'User-Agent', value: this.ctx.userAgent },
      ...this.opts.headers,
      ...this.credentials.headers('INVITE', this.dialog.requestUri, body),
      { name: 'Content-Type', value: 'application/sdp' },
    ];
    const request: SipRequest = {
      kind: 'request',
      method: 'INVITE',
      uri: this.dialog.requestUri,
      headers,
      body,
    };
    this.invite = request;
    const tx = this.io.newTransaction(request, this.opts.server, {
      onResponse: (res) => this.onResponse(res, cseq),
      onTimeout: () => {
        this.clearAnswerTimer();
        this.host.finish({
          by: 'local',
          reason: 'timeout',
          status: 408,
          reasonPhrase: 'Request Timeout',
        });
        this.host.releaseSoon();
      },
    });
    this.inviteTx = tx;
    tx.start();
  }

  private onResponse(res: SipResponse, cseq: number): void {
    const at = this.ctx.now();
    const status = res.status;
    if (status < 200) {
      if (this.host.state === 'calling') this.host.setState('proceeding');
      const info = { status, reason: res.reason, at };
      this.host.emit('provisional', info);
      if (status === 180 || status === 183) this.host.markRinging(info);
      if (this.cancelRequested) this.sendCancel();
      else this.armAnswerTimer();
      return;
    }
    this.clearAnswerTimer();
    if (status < 300) {
      this.on2xx(res, cseq, at);
      return;
    }
    if (
      (status === 401 || status === 407) &&
      !this.cancelRequested &&
      this.credentials.answerChallenge(res)
    ) {
      this.send();
      return;
    }
    this.io.clearTimer(this.cancelGuardTimer);
    if (this.cancelRequested) {
      this.host.finish({
        by: 'local',
        reason: this.cancelReason,
        status,
        reasonPhrase: res.reason,
      });
    } else {
      this.host.finish({
        by: 'remote',
        reason: status === 401 || status === 407 ? 'auth-failed' : 'rejected',
        status,
        reasonPhrase: res.reason,
      });
    }
    this.host.releaseSoon();
  }

  private on2xx(res: SipResponse, cseq: number, at: number): void {
    const toTag = headerTag(getHeader(res, 'To'));
    if (this.ack2xx) {
      if (this.ack2xx.cseq === cseq && toTag === this.dialog.remoteTag) {
        this.io.send(this.ack2xx.request, this.ack2xx.dest); // retransmitted 2xx
      } else {
        this.log.warn({ toTag }, 'ignoring 2xx from another fork');
      }
      return;
    }
    this.io.clearTimer(this.cancelGuardTimer);
    this.dialog.establish(res, toTag);
    // ACK for 2xx: in-dialog request with the INVITE's CSeq number and credentials (§13.2.2.4).
    const inviteAuth = (this.invite?.headers ?? []).filter(
      (h) => h.name === 'Authorization' || h.name === 'Proxy-Authorization',
    );
    const ack = this.dialog.buildRequest('ACK', inviteAuth, undefined, cseq);
    this.ack2xx = { cseq, ...ack };
    this.io.send(ack.request, ack.dest);

    if (this.cancelRequested || this.host.hasEnded) {
      // Answered after we gave up: end the dialog we did not want.
      this.host.sendBye();
      return;
    }
    let remoteSdp: SessionDescription;
    let media: NegotiatedAudio;
    try {
      if (res.body.length === 0) throw new Error('200 OK has no SDP answer');
      remoteSdp = parseSdp(res.body.toString('utf8'));
      media = this.media.negotiate(remoteSdp);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'unusable SDP answer; hanging up');
      this.host.setState('confirmed');
      this.host.sendBye({ reason: 'media-failed', error: (err as Error).message });
      return;
    }
    this.host.setState('confirmed');
    const info: AnsweredInfo = {
      at,
      status: res.status,
      reason: res.reason,
      remoteSdp,
      media,
      headers: res.headers,
    };
    this.host.markAnswered(info);
    this.media.start(media);
  }

  private armAnswerTimer(): void {
    if (this.answerTimer || this.opts.answerTimeoutMs <= 0) return;
    this.answerTimer = this.io.setTimer(() => {
      if (this.host.state !== 'proceeding') return;
      this.log.warn({ ms: this.opts.answerTimeoutMs }, 'no answer in time; cancelling');
      this.cancelReason = 'timeout';
      this.cancelRequested = true;
      this.sendCancel();
    }, this.opts.answerTimeoutMs);
  }

  clearAnswerTimer(): void {
    this.io.clearTimer(this.answerTimer);
    this.answerTimer = undefined;
  }

  private sendCancel(): void {
    if (this.cancelSent || !this.invite) return;
    this.cancelSent = true;
    const invite = this.invite;
    // CANCEL mirrors the INVITE's Request-URI, top Via, Call-ID, From, To, Route (§9.1).
    const headers: SipHeader[] = [];
    for (const name of ['Via', 'Max-Forwards', 'From', 'To', 'Call-ID']) {
      const value = getHeader(invite, name);
      if (value) headers.push({ name, value });
    }
    headers.push({
      name: 'CSeq',
      value: `${parseCSeq(getHeader(invite, 'CSeq') ?? '').seq} CANCEL`,
    });
    for (const route of getHeaders(invite, 'Route')) headers.push({ name: 'Route', value: route });
    headers.push({ name: 'User-Agent', value: this.ctx.userAgent });
    const cancel: SipRequest = {
      kind: 'request',
      method: 'CANCEL',
      uri: invite.uri,
      headers,
      body: Buffer.alloc(0),
    };
    const tx = this.io.newTransaction(cancel, this.opts.server, {
      onResponse: (res) => this.log.debug({ status: res.status }, 'CANCEL answered'),
      onTimeout: () => this.log.warn({}, 'CANCEL timed out'),
    });
    tx.start();
    // If no final response to the INVITE arrives within 64*T1, consider it cancelled (§9.1).
    this.cancelGuardTimer = this.io.setTimer(() => {
      this.inviteTx?.terminate();
      this.host.finish({
        by: 'local',
        reason: this.cancelReason,
        status: 408,
        reasonPhrase: 'Request Timeout',
      });
      this.host.releaseSoon();
    }, 64 * this.ctx.timers.t1Ms);
  }
}
