// A tcpdump capture of the test network's UDP traffic (the benchmark runs in its own network
// namespace, so that is the stack's media and nothing else), and the stack's media port ranges as
// its configuration files set them.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PortRange } from '@ecommerce-voicebot/sip-caller';
import { parse } from 'yaml';

export interface PacketCapture {
  readonly file: string;
  /** Stops tcpdump and waits until it has written the file. */
  stop(): Promise<void>;
}

export async function startPacketCapture(file: string): Promise<PacketCapture> {
  // Headers and one G.711 frame fit in 256 bytes; -U writes each packet as it comes.
  const tcpdump = spawn('tcpdump', ['-i', 'any', '-n', '-U', '-s', '256', '-w', file, 'udp'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const listening = new Promise<void>((resolve, reject) => {
    tcpdump.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('listening on')) resolve();
    });
    tcpdump.once('error', (error) =>
      reject(new Error(`tcpdump could not start (npm run setup installs it): ${error.message}`)),
    );
    tcpdump.once('exit', (code) => reject(new Error(`tcpdump exited ${code}: ${stderr.trim()}`)));
  });
  await listening;
  return {
    file,
    async stop() {
      if (tcpdump.exitCode !== null) return;
      const exited = once(tcpdump, 'exit');
      tcpdump.kill('SIGINT');
      await exited;
    },
  };
}

/** "10000-10199" (bridge.yaml) or two numbers (livekit.yaml) as a port range. */
function portRange(min: unknown, max: unknown, what: string): PortRange {
  const range = { min: Number(min), max: Number(max) };
  if (!Number.isInteger(range.min) || !Number.isInteger(range.max))
    throw new Error(`cannot read ${what}`);
  return range;
}

/** livekit-server's WebRTC UDP ports and the bridge's RTP ports, from livekit.yaml and bridge.yaml. */
export function stackMediaPorts(root: string): { sfu: PortRange; bridge: PortRange } {
  const livekit = parse(readFileSync(join(root, 'livekit.yaml'), 'utf8')) as {
    rtc?: { port_range_start?: unknown; port_range_end?: unknown };
  };
  const bridge = parse(readFileSync(join(root, 'sip/bridge.yaml'), 'utf8')) as {
    rtp_port?: unknown;
  };
  const [rtpMin, rtpMax] = String(bridge.rtp_port).split('-');
  return {
    sfu: portRange(
      livekit.rtc?.port_range_start,
      livekit.rtc?.port_range_end,
      'rtc.port_range_* in livekit.yaml',
    ),
    bridge: portRange(rtpMin, rtpMax, 'rtp_port in sip/bridge.yaml'),
  };
}
