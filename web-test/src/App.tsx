// The QA tester: one session at a time, with everything a tester checks on one page.
import { useMemo, useRef, useState } from 'react';
import { SessionProvider } from '@livekit/components-react';
import { checkCallerId } from './caller-id';
import { AgentStatus } from './components/AgentStatus';
import { CallerIdField } from './components/CallerIdField';
import { ErrorNotice } from './components/ErrorNotice';
import { Keypad } from './components/Keypad';
import { LatencyPanel } from './components/LatencyPanel';
import { LiveAgentStatus, LocalMicMeter, SessionFeeds } from './components/LiveSession';
import { MicrophoneControls } from './components/MicrophoneControls';
import { PhoneAudioSwitch } from './components/PhoneAudioSwitch';
import { QueueStatus } from './components/QueueStatus';
import { RecordDownload } from './components/RecordDownload';
import { SessionControls, isSessionActive } from './components/SessionControls';
import { ToolInspector } from './components/ToolInspector';
import { Transcript } from './components/Transcript';
import { useMicrophones } from './hooks/useMicrophones';
import { usePasscode } from './hooks/usePasscode';
import { useQaSession } from './hooks/useQaSession';
import { useSessionRecord } from './hooks/useSessionRecord';
import { currentQueue, orderTranscript } from './record';
import { useServices } from './services';

function insecureContext(): boolean {
  return typeof window !== 'undefined' && window.isSecureContext === false;
}

export function App() {
  const services = useServices();
  const { record, dispatch } = useSessionRecord();
  const session = useQaSession(services, dispatch);
  const [passcode, setPasscode] = usePasscode(services.storage);
  const [callerId, setCallerId] = useState('');
  const [showCallerIdError, setShowCallerIdError] = useState(false);
  const callerIdInput = useRef<HTMLInputElement>(null);
  const microphones = useMicrophones(session.microphoneOn);

  const { phase, room } = session;
  const active = isSessionActive(phase);
  const connected = phase === 'connected' || phase === 'reconnecting';
  const transcript = useMemo(
    () => orderTranscript(record.transcript, record.agentStates),
    [record.transcript, record.agentStates],
  );
  const queue = useMemo(() => currentQueue(record.queue), [record.queue]);

  const start = () => {
    const check = checkCallerId(callerId);
    if (!check.ok) {
      setShowCallerIdError(true);
      callerIdInput.current?.focus();
      return;
    }
    setShowCallerIdError(false);
    void session.start({ passcode, callerNumber: check.value });
  };

  const callerIdRefused =
    session.error?.code === 'field_not_allowed' && checkCallerId(callerId).value !== undefined;

  return (
    <SessionProvider session={session.session}>
      <div className="app">
        <header className="app-header">
          <h1>Voice agent QA tester</h1>
          <p className="hint">
            Talk to the support agent as a caller would; watch its state, transcript, tool calls and
            latency.
          </p>
        </header>

        {insecureContext() && (
          <ErrorNotice
            tone="warning"
            error={{
              title: 'This page is not on HTTPS or localhost',
              message: 'Browsers only give microphones to secure pages.',
              hint: 'Open the tester through https:// or on the machine that runs it (localhost).',
            }}
          />
        )}

        <main className="layout">
          <div className="column column-controls">
            <section className="card" aria-labelledby="session-heading">
              <h2 id="session-heading">Session</h2>
              <SessionControls
                phase={phase}
                roomName={record.room}
                passcode={passcode}
                onPasscodeChange={setPasscode}
                error={session.error}
                errorActions={
                  callerIdRefused ? (
                    <button
                      type="button"
                      className="button"
                      onClick={() => {
                        setCallerId('');
                        session.dismissError();
                        callerIdInput.current?.focus();
                      }}
                    >
                      Clear caller ID
                    </button>
                  ) : undefined
                }
                onStart={start}
                onEnd={session.end}
              >
                <CallerIdField
                  value={callerId}
                  onChange={setCallerId}
                  disabled={active}
                  showError={showCallerIdError}
                  inputRef={callerIdInput}
                />
                <MicrophoneControls
                  devices={microphones}
                  selectedId={session.microphoneId}
                  onSelect={(deviceId) => void session.selectMicrophone(deviceId)}
                  inSession={connected}
                  on={session.microphoneOn}
                  busy={session.microphoneBusy}
                  onToggle={() => void session.setMicrophoneOn(!session.microphoneOn)}
                  meter={room && connected ? <LocalMicMeter /> : undefined}
                />
                {session.microphoneError && <ErrorNotice error={session.microphoneError} />}
                <PhoneAudioSwitch
                  on={session.phoneAudio}
                  active={session.phoneAudioActive}
                  inSession={connected}
                  onChange={(on) => void session.setPhoneAudio(on)}
                />
                {session.phoneAudioError && <ErrorNotice error={session.phoneAudioError} />}
              </SessionControls>
            </section>

            <section className="card" aria-labelledby="agent-heading">
              <h2 id="agent-heading">Agent</h2>
              {room ? (
                <LiveAgentStatus
                  key={session.sessionKey}
                  connecting={phase === 'connecting'}
                  roomName={record.room}
                  startedAt={record.startedAt}
                  agentJoinedAt={record.agentJoinedAt}
                  queued={queue?.state === 'waiting'}
                />
              ) : (
                <AgentStatus state={phase === 'requesting-token' ? 'connecting' : 'disconnected'} />
              )}
              <QueueStatus queue={queue} now={services.now} endedAt={record.endedAt} />
            </section>

            <section className="card" aria-labelledby="keypad-heading">
              <h2 id="keypad-heading">Keypad (DTMF)</h2>
              <Keypad
                publish={
                  room && connected
                    ? (code, digit) => room.localParticipant.publishDtmf(code, digit)
                    : undefined
                }
                onSent={(digit, code) =>
                  dispatch({ type: 'dtmf', digit, code, at: services.now() })
                }
              />
            </section>
          </div>

          <div className="column column-panels">
            <section className="card card-transcript" aria-labelledby="transcript-heading">
              <h2 id="transcript-heading">Transcript</h2>
              <Transcript entries={transcript} startedAt={record.startedAt} />
            </section>

            <section className="card" aria-labelledby="tools-heading">
              <h2 id="tools-heading">Tool calls</h2>
              <ToolInspector
                calls={record.toolCalls}
                startedAt={record.startedAt}
                malformed={record.malformedAgentEvents}
              />
            </section>

            <section className="card" aria-labelledby="latency-heading">
              <h2 id="latency-heading">Latency</h2>
              <LatencyPanel turns={record.latency} />
            </section>

            <section className="card" aria-labelledby="record-heading">
              <h2 id="record-heading">Session record</h2>
              {record.callEnded && (
                <p className="hint">
                  The agent ended the call: <code>{record.callEnded.reason}</code>.
                </p>
              )}
              <RecordDownload record={record} onSave={services.saveFile} now={services.now} />
            </section>
          </div>
        </main>

        {room && (
          <SessionFeeds
            key={session.sessionKey}
            room={room}
            dispatch={dispatch}
            now={services.now}
          />
        )}
      </div>
    </SessionProvider>
  );
}
