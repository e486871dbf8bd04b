// Telling the rep a session arrived (CON-2): a short tone, a desktop notification when allowed,
// and the waiting count in the window title (the desktop app's tray badge reads the same queue).
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

export function announceNewSession(text: string): void {
  tone();
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.hidden) {
    new Notification(text);
  }
}

/** Asked on a click (browsers only allow the prompt after a user gesture). */
export function askNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();
}

const baseTitle = () => document.title.replace(/^\(\d+\) /, '');

export function showWaitingCount(n: number): void {
  document.title = n > 0 ? `(${n}) ${baseTitle()}` : baseTitle();
}
