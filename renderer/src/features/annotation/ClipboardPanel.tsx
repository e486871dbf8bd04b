// Clipboard text both ways (CON-4) while the customer grants control: what the rep sends becomes
// the customer's clipboard (read from the rep's own clipboard through the browser's Clipboard API
// where it is allowed, else typed or pasted in the box); what the customer copies shows here, with
// a button to put it on the rep's clipboard. Over the limit is refused here with the same typed
// error the customer's tool would answer (clipboard_too_large).
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ClipboardMessage, MAX_CLIPBOARD_BYTES, decodeChannelJson, encodeChannelJson } from '../../../../src/protocol/remote-control.ts';
import type { ToolChannel } from '../../../../src/protocol/tool-channel.ts';
import { formatBytes } from '../tools/format-bytes.ts';
import { checkClipboardText } from './clipboard-text.ts';
import './annotation-i18n.ts';

export function ClipboardPanel({ open }: { open: () => Promise<ToolChannel> }) {
  const { t } = useTranslation();
  const id = useId();
  const channel = useRef<Promise<ToolChannel> | null>(null);
  const [text, setText] = useState('');
  const [received, setReceived] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [closed, setClosed] = useState('');

  useEffect(() => {
    let live = true;
    const ch = open();
    channel.current = ch;
    ch.then(
      async (c) => {
        void c.closed.then((why) => live && setClosed(why));
        for await (const m of c) {
          if (!live) break;
          let msg: ClipboardMessage;
          try {
            msg = decodeChannelJson(ClipboardMessage, m.payload, 6 * MAX_CLIPBOARD_BYTES + 1024);
          } catch {
            continue;
          }
          if (msg.t === 'text') setReceived(msg.text);
          else if (msg.t === 'ack') setNote(t('clipboard.sent'));
          else setNote(msg.code === 'clipboard_too_large' ? t('clipboard.tooLarge', { max: formatBytes(MAX_CLIPBOARD_BYTES), size: '?' }) : t('clipboard.error', { message: msg.message }));
        }
      },
      (err: unknown) => live && setClosed(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
      channel.current = null;
      void ch.then((c) => c.close('closed_by_rep'), () => undefined);
    };
  }, [open, t]);

  const send = async (value: string) => {
    const check = checkClipboardText(value);
    if (!check.ok) {
      if (check.code === 'clipboard_too_large') setNote(t('clipboard.tooLarge', { max: formatBytes(check.max), size: formatBytes(check.bytes) }));
      return;
    }
    setNote('');
    try {
      await (await channel.current!).write(encodeChannelJson({ t: 'text', text: value }));
    } catch (err) {
      setNote(t('clipboard.error', { message: err instanceof Error ? err.message : String(err) }));
    }
  };
  const sendMine = async () => {
    let value: string;
    try {
      value = await navigator.clipboard.readText();
    } catch {
      setNote(t('clipboard.readDenied'));
      return;
    }
    setText(value);
    await send(value);
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(received ?? '');
      setNote(t('clipboard.copied'));
    } catch {
      setNote(t('clipboard.writeDenied'));
    }
  };
  return (
    <section className="clipboard-panel" aria-label={t('clipboard.title')}>
      <h3>{t('clipboard.title')}</h3>
      <label htmlFor={`${id}-out`}>{t('clipboard.textLabel')}</label>
      <textarea id={`${id}-out`} value={text} rows={3} onChange={(e) => setText(e.target.value)} disabled={!!closed} />
      <div className="session-actions">
        <button type="button" onClick={() => void send(text)} disabled={!!closed || !text}>{t('clipboard.sendText')}</button>
        <button type="button" onClick={() => void sendMine()} disabled={!!closed}>{t('clipboard.send')}</button>
      </div>
      <label htmlFor={`${id}-in`}>{t('clipboard.received')}</label>
      <textarea id={`${id}-in`} readOnly value={received ?? ''} placeholder={t('clipboard.nothing')} rows={3} />
      <button type="button" onClick={() => void copy()} disabled={received === null}>{t('clipboard.copy')}</button>
      <p role="status" className="muted">{closed ? t('annotation.state.closed', { reason: closed }) : note}</p>
    </section>
  );
}
