// The attendee's page (CON-9): nothing installed — the presenter's screen decoded with WebCodecs'
// VideoDecoder onto a canvas (pixels never go through React state), the chat with the presenter
// and the other attendees, the attendees' banner (POR-7), and a way to leave.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { AttendeeClient, type Joined } from '../../src/customer-core/attendee-client.ts';
import type { CustomerSocket } from '../../src/customer-core/socket.ts';
import type { PresentationChatLine, PresentationState, VideoFormat } from '../../src/protocol/presentations.ts';
import { ps } from './presentation-strings.ts';

export function attendeeUrl(): string {
  return `${location.origin.replace(/^http/, 'ws')}/ws/attendee`;
}

/** Feeds one attendee's frames to a VideoDecoder drawing on `canvas`; credit follows the decoder's queue. */
function attachDecoder(client: AttendeeClient, canvas: HTMLCanvasElement, format: () => VideoFormat, onPicture: () => void, onUnsupported: () => void): () => void {
  const ctx = canvas.getContext('2d')!;
  let decoder: VideoDecoder | null = null;
  let needKey = true;
  const configure = () => {
    decoder?.close();
    const f = format();
    decoder = new VideoDecoder({
      output: (frame) => {
        if (canvas.width !== frame.displayWidth || canvas.height !== frame.displayHeight) {
          canvas.width = frame.displayWidth;
          canvas.height = frame.displayHeight;
        }
        ctx.drawImage(frame, 0, 0);
        frame.close();
        onPicture();
      },
      error: () => {
        // The decoder lost track: start again from the next key frame.
        needKey = true;
        client.requestKeyFrame();
        queueMicrotask(configure);
      },
    });
    decoder.configure({ codec: f.codec, codedWidth: f.width, codedHeight: f.height, optimizeForLatency: true });
    needKey = true;
  };
  if (typeof VideoDecoder === 'undefined') {
    onUnsupported();
    return () => undefined;
  }
  configure();
  client.events.on('format', () => configure());
  client.onFrame(async (m) => {
    if (!decoder || decoder.state !== 'configured') return;
    if (needKey && !m.key) return client.requestKeyFrame();
    needKey = false;
    decoder.decode(new EncodedVideoChunk({ type: m.key ? 'key' : 'delta', timestamp: m.timestamp * 1000, data: m.payload }));
    // Take the next frame only once the decoder keeps up: that is this attendee's flow control.
    while (decoder.decodeQueueSize > 2) await new Promise((r) => decoder!.addEventListener('dequeue', r, { once: true }));
  });
  return () => decoder?.close();
}

export function PresentationAttendee({ how, name, onDone }: { how: { key: string } | { presentationId: string }; name: string; onDone: (error?: string) => void }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [joined, setJoined] = useState<Joined | null>(null);
  const [state, setState] = useState<PresentationState>('live');
  const [chat, setChat] = useState<PresentationChatLine[]>([]);
  const [gone, setGone] = useState<string | null>(null);
  const [picture, setPicture] = useState(false);
  const [unsupported, setUnsupported] = useState(false);
  const [text, setText] = useState('');
  const clientRef = useRef<AttendeeClient | null>(null);

  useEffect(() => {
    const client = new AttendeeClient(attendeeUrl(), (url) => new WebSocket(url) as unknown as CustomerSocket);
    clientRef.current = client;
    let format: VideoFormat | null = null;
    let detach = () => undefined as void;
    client.events.on('chat', (l) => setChat((c) => [...c.slice(-199), l]));
    client.events.on('state', setState);
    client.events.on('format', (f) => (format = f));
    client.events.on('gone', (g) => setGone(g.reason));
    client.join(how, name).then(
      (j) => {
        format = j.format;
        setJoined(j);
        setState(j.presentation.state);
        setChat(j.chat);
        detach = attachDecoder(client, canvasRef.current!, () => format!, () => setPicture(true), () => setUnsupported(true));
      },
      (e: Error) => onDone(e.message),
    );
    return () => {
      detach();
      client.leave();
    };
    // Joins once per mount: the parent remounts for another presentation.
  }, []);

  const send = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    clientRef.current?.chat(text.trim());
    setText('');
  };
  const goneText = gone === null ? null : gone === 'removed' ? ps.removed : gone.startsWith('ended') ? ps.ended : ps.lost;

  return (
    <main className="portal presentation">
      {joined && <img className="chat-banner" src={joined.bannerUrl} alt={ps.banner} width={480} />}
      <h1>{joined?.presentation.name ?? ps.presentations}</h1>
      {goneText && <p role="status" className="error">{goneText}</p>}
      {!goneText && state === 'paused' && <p role="status">{ps.paused}</p>}
      {!goneText && state === 'presenter_away' && <p role="status">{ps.presenterAway}</p>}
      {unsupported && <p role="alert">{ps.noDecoder}</p>}
      <figure className="presentation-screen">
        <canvas ref={canvasRef} role="img" aria-label={joined ? ps.screen(joined.presentation.presenterName) : ps.waitingPicture} data-testid="presentation-canvas" />
        {!picture && <figcaption>{ps.waitingPicture}</figcaption>}
      </figure>
      <section aria-labelledby="presentation-chat">
        <h2 id="presentation-chat">{ps.chat}</h2>
        <ol className="chat-log" aria-live="polite">
          {chat.map((l, i) => (
            <li key={`${l.at}-${i}`}>
              <strong>{l.from.name}</strong> {l.text}
            </li>
          ))}
        </ol>
        {!goneText && (
          <form onSubmit={send} className="chat-form">
            <label className="field">
              {ps.message}
              <input value={text} maxLength={1000} onChange={(e) => setText(e.target.value)} />
            </label>
            <button disabled={!text.trim()}>{ps.send}</button>
          </form>
        )}
      </section>
      <p>
        <button type="button" onClick={() => (clientRef.current?.leave(), onDone())}>{ps.leave}</button>
      </p>
    </main>
  );
}
