// The microphones the browser offers (labels appear once microphone access was granted).
import { useEffect, useState } from 'react';

export function useMicrophones(refreshKey: unknown): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!media?.enumerateDevices) return undefined;
    let cancelled = false;
    const update = () => {
      media
        .enumerateDevices()
        .then((all) => {
          if (!cancelled) setDevices(all.filter((device) => device.kind === 'audioinput'));
        })
        .catch(() => undefined);
    };
    update();
    media.addEventListener?.('devicechange', update);
    return () => {
      cancelled = true;
      media.removeEventListener?.('devicechange', update);
    };
  }, [refreshKey]);
  return devices;
}
