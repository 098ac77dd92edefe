// One outgoing call: the Call object tests hold. It owns the call's state, events and promises
// and how it ends, and composes the parts that do the SIP and media work: the INVITE client
// (invite-client.ts), the dialog (dialog.ts), requests from the far end (far-end-requests.ts),
// digest credentials (credentials.ts), media (call-media.ts) and SIP I/O (call-io.ts).
import { randomBytes } from 'node:crypto';
import type { ReceivedAudio } from './audio.js';
import {
  CallFailedError,
  type AnsweredInfo,
  type Call,
  type CallEnd,
  type CallEvents,
  type CallState,
  type EndReason,
  type ProvisionalInfo,
  type ReferRequest,
  type SentAudio,
  type SipLogEntry,
} from './call-api.js';
import type { CallContext, ResolvedCallOptions } from './call-context.js';
import { CallIo } from './call-io.js';
import { CallMedia } from './call-media.js';
import { DigestCredentials } from './credentials.js';
import { Dialog } from './dialog.js';
import type { DetectedDtmf, DtmfOptions } from './dtmf.js';
import { FarEndRequests } from './far-end-requests.js';
import { InviteClient, type InviteClientHost } from './invite-client.js';
import { childLogger, type SipCallerLogger } from './logger.js';
import type { PlaybackResult } from './outgoing.js';
import type { RtpSession, RtpStats } from './rtp-session.js';
import { hostPort, type SipRequest, type SipResponse } from './sip-message.js';
import type { ClientTransaction, Destination } from './transaction.js';
import { readWav8k } from './wav.js';

type Listener = (value: never) => void;

function deferred<T>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class CallImpl implements Call, InviteClientHost {
  readonly id: string;
  readonly dtmfReceived: DetectedDtmf[] = [];
  readonly ringing: Promise<ProvisionalInfo>;
  readonly answered: Promise<AnsweredInfo>;
  readonly ended: Promise<CallEnd>;

  private _state: CallState = 'calling';
  private readonly ringingD = deferred<ProvisionalInfo>();
  private readonly answeredD = deferred<AnsweredInfo>();
  private readonly endedD = deferred<CallEnd>();
  private ringingSettled = false;
  private answeredSettled = false;
  private endInfo: CallEnd | undefined;
  private readonly listeners = new Map<keyof CallEvents, Set<Listener>>();
  private readonly log: SipCallerLogger;
  private released = false;
  private releaseTimer: NodeJS.Timeout | undefined;

  private readonly io: CallIo;
  private readonly media: CallMedia;
  private readonly dialog: Dialog;
  private readonly inviteClient: InviteClient;
  private readonly farEnd: FarEndRequests;

  constructor(
    private readonly ctx: CallContext,
    opts: ResolvedCallOptions,
  ) {
    this.id = `${randomBytes(12).toString('hex')}@${hostPort(ctx.advertisedAddress)}`;
    this.log = childLogger(ctx.logger, { callId: this.id, to: opts.to });
    this.ringing = this.ringingD.promise;
    this.answered = this.answeredD.promise;
    this.ended = this.endedD.promise;
    // Unobserved rejections must not crash the test runner; awaiting still sees them.
    this.ringing.catch(() => undefined);
    this.answered.catch(() => undefined);

    const log = this.log;
    this.io = new CallIo(ctx, log);
    this.media = new CallMedia(ctx, log, { srtp: opts.srtp });
    const credentials = new DigestCredentials(opts, log);
    this.dialog = new Dialog({
      callId: this.id,
      advertisedAddress: ctx.advertisedAddress,
      localPort: () => ctx.localPort(),
      transport: ctx.transportName,
      userAgent: ctx.userAgent,
      call: opts,
      io: this.io,
      credentials,
    });
    const parts = {
      ctx,
      opts,
      host: this,
      dialog: this.dialog,
      media: this.media,
      io: this.io,
      log,
    };
    this.inviteClient = new InviteClient({ ...parts, credentials });
    this.farEnd = new FarEndRequests(parts);
  }

  get state(): CallState {
    return this._state;
  }

  get refers(): readonly ReferRequest[] {
    return this.farEnd.refers;
  }

  get sipLog(): readonly SipLogEntry[] {
    return this.io.sipLog;
  }

  // -------------------------------------------------------------------------------------------
  // Public API

  on<K extends keyof CallEvents>(event: K, listener: (value: CallEvents[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  onAudio(listener: (packet: CallEvents['audio']) => void): () => void {
    return this.on('audio', listener);
  }

  play(samples: Int16Array): Promise<PlaybackResult> {
    if (this.endInfo) return Promise.resolve({ completed: false, packets: 0 });
    return this.media.play(samples);
  }

  async playWav(path: string): Promise<PlaybackResult> {
    const opts = this.ctx.soxPath ? { soxPath: this.ctx.soxPath } : {};
    return this.play(await readWav8k(path, opts));
  }

  sendDtmf(digits: string, options?: DtmfOptions): Promise<PlaybackResult> {
    if (this.endInfo) return Promise.resolve({ completed: false, packets: 0 });
    return this.media.sendDtmf(digits, options);
  }

  stopPlayback(): void {
    this.media.stopPlayback();
  }

  received(): ReceivedAudio {
    return this.media.received();
  }

  sent(): SentAudio {
    return this.media.sent();
  }

  saveWav(path: string): Promise<void> {
    return this.media.saveWav(path);
  }

  stats(): RtpStats {
    return this.media.stats();
  }

  waitForRefer(timeoutMs = 10_000): Promise<ReferRequest> {
    const existing = this.refers[0];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const offRefer = this.on('refer', (r) => {
        cleanup();
        resolve(r);
      });
      const offEnded = this.on('ended', (end) => {
        cleanup();
        reject(new CallFailedError(end));
      });
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no REFER within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        offRefer();
        offEnded();
      };
    });
  }

  hangup(): Promise<CallEnd> {
    switch (this._state) {
      case 'calling':
        // No provisional yet: a CANCEL must wait for one (§9.1). End now; the lingering
        // handlers send the CANCEL (or ACK + BYE a late 2xx) when the far end answers.
        this.inviteClient.cancelOnFirstResponse();
        this.finish({ by: 'local', reason: 'cancelled' });
        break;
      case 'proceeding':
        this.inviteClient.cancel();
        break;
      case 'confirmed':
        this.sendBye();
        break;
      default:
        break;
    }
    return this.ended;
  }

  // -------------------------------------------------------------------------------------------
  // Setup, and messages routed here by the SipCaller

  async start(): Promise<void> {
    let rtp: RtpSession;
    try {
      await this.ctx.ready();
      rtp = await this.media.open();
    } catch (err) {
      this.finish({ by: 'local', reason: 'transport-error', error: (err as Error).message });
      this.release();
      return;
    }
    if (this.endInfo) {
      this.release();
      return;
    }
    rtp.onPacket((p) => this.emit('audio', p));
    rtp.onDtmf((d) => {
      this.dtmfReceived.push(d);
      this.emit('dtmf', d);
    });
    this.media.prepareOffer();
    this.inviteClient.send();
  }

  handleResponse(res: SipResponse, tx: ClientTransaction, source: Destination): void {
    this.io.logMessage('in', res, source);
    tx.receive(res);
  }

  logIncomingRequest(req: SipRequest, source: Destination): void {
    this.io.logMessage('in', req, source);
  }

  handleRequest(req: SipRequest, source: Destination): void {
    this.farEnd.handle(req, source);
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle: what the parts report back (CallLifecycle / InviteClientHost)

  get hasEnded(): boolean {
    return this.endInfo !== undefined;
  }

  setState(state: CallState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('state', state);
  }

  emit<K extends keyof CallEvents>(event: K, value: CallEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (v: CallEvents[K]) => void)(value);
      } catch (err) {
        this.log.error({ err: (err as Error).message, event }, 'call event listener threw');
      }
    }
  }

  markRinging(info: ProvisionalInfo): void {
    if (this.ringingSettled) return;
    this.ringingSettled = true;
    this.ringingD.resolve(info);
    this.emit('ringing', info);
  }

  markAnswered(info: AnsweredInfo): void {
    if (!this.ringingSettled) {
      this.ringingSettled = true;
      this.ringingD.reject(new Error('answered without a 180/183'));
    }
    this.answeredSettled = true;
    this.answeredD.resolve(info);
    this.emit('answered', info);
  }

  sendBye(failure?: { reason: EndReason; error: string }): void {
    if (
      this._state === 'terminating' ||
      (this._state === 'ended' && !this.inviteClient.cancelling)
    ) {
      return;
    }
    if (this._state !== 'ended') this.setState('terminating');
    this.media.stopSending();
    this.dialog.send('BYE', [], undefined, (res) => {
      const end: Omit<CallEnd, 'at' | 'answered'> = {
        by: 'local',
        reason: failure?.reason ?? 'bye',
        status: res?.status ?? 408,
        reasonPhrase: res?.reason ?? 'Request Timeout',
      };
      if (failure) end.error = failure.error;
      this.finish(end);
      this.releaseSoon();
    });
  }

  finish(end: Omit<CallEnd, 'at' | 'answered'>): void {
    if (this.endInfo) return;
    const info: CallEnd = { ...end, at: this.ctx.now(), answered: this.answeredSettled };
    this.endInfo = info;
    this.inviteClient.clearAnswerTimer();
    // Keep receiving RTP until release (late audio is harmless) but never send again.
    this.media.stopSending();
    this.setState('ended');
    if (!this.ringingSettled) {
      this.ringingSettled = true;
      this.ringingD.reject(new CallFailedError(info));
    }
    if (!this.answeredSettled) {
      this.answeredSettled = true;
      this.answeredD.reject(new CallFailedError(info));
    }
    this.log.info(
      { by: info.by, reason: info.reason, status: info.status, answered: info.answered },
      'call ended',
    );
    this.endedD.resolve(info);
    this.emit('ended', info);
    if (end.reason === 'cancelled' && this.inviteClient.awaitingFirstResponse) {
      // Still waiting for the first response: linger until Timer B.
      this.releaseSoon(64 * this.ctx.timers.t1Ms);
    }
  }

  /** Stays reachable for retransmissions for a while (64*T1 by default), then lets go. */
  releaseSoon(ms = 64 * this.ctx.timers.t1Ms): void {
    if (this.released) return;
    this.io.clearTimer(this.releaseTimer);
    this.media.close();
    this.releaseTimer = this.io.setTimer(() => this.release(), ms);
  }

  /** Drops every timer and transaction; the call no longer receives messages. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (!this.endInfo) this.finish({ by: 'local', reason: 'closed' });
    this.io.dropAll();
    this.media.close();
    this.ctx.release(this);
  }

  get isReleased(): boolean {
    return this.released;
  }

  /** Ends an active call for SipCaller.close(): BYE/CANCEL, bounded by `timeoutMs`. */
  async shutdown(timeoutMs: number): Promise<void> {
    if (!this.endInfo) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.hangup(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.release();
  }
}
