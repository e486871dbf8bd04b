// Telling the rep a session arrived (CON-2): a short tone, a notification when the console is not
// in front (native in the desktop app, the browser's otherwise), and the waiting count in the
// window title and, in the desktop app, on the tray.
import { desktopShell } from '../../console-api.ts';

let audio: AudioContext | null = null;

function tone(): void {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.4);
  } catch {
    // No audio device (a headless test browser): the notification and the title still tell.
    audio = null;
  }
}

export function announceNewSession(text: string, lsid?: string): void {
  tone();
  const away = document.hidden || !document.hasFocus();
  if (!away) return;
  if (desktopShell) void desktopShell.notify(document.title.replace(/^\(\d+\) /, ''), text, lsid);
  else if (typeof Notification !== 'undefined' && Notification.permission === 'granted') new Notification(text);
}

/** Asked on a click (browsers only allow the prompt after a user gesture). */
export function askNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();
}

const baseTitle = () => document.title.replace(/^\(\d+\) /, '');

export function showWaitingCount(n: number): void {
  document.title = n > 0 ? `(${n}) ${baseTitle()}` : baseTitle();
  void desktopShell?.setQueueCount(n);
}
