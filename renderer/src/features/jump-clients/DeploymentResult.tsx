// The wizard's result (JMP-4, JMP-7): the installer's link to download or copy, its command
// lines with copy buttons, and the form that emails the link to several recipients.
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { DeploymentView } from '../../../../src/protocol/jump.ts';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { useDateTime } from '../../format.ts';
import { platformKey } from './DeploymentWizard.tsx';

const Email = z.email();

/** Splits what the user typed into addresses, and the parts that are not one. */
export function parseRecipients(text: string): { ok: string[]; bad: string[] } {
  const parts = text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  return { ok: parts.filter((p) => Email.safeParse(p).success), bad: parts.filter((p) => !Email.safeParse(p).success) };
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <>
      <button type="button" onClick={copy} aria-label={label}>
        {t('jump.copy')}
      </button>
      {state !== 'idle' && (
        <span role="status" className={state === 'failed' ? 'message error' : 'hint'}>
          {state === 'copied' ? t('jump.copied') : t('jump.copyFailed')}
        </span>
      )}
    </>
  );
}

export function DeploymentResult({ deployment: d, onAnother }: { deployment: DeploymentView; onAnother(): void }) {
  const { t, i18n } = useTranslation();
  const dateTime = useDateTime();
  const [recipients, setRecipients] = useState('');
  const [message, setMessage] = useState('');
  const [language, setLanguage] = useState<'en' | 'fr'>(i18n.resolvedLanguage === 'fr' ? 'fr' : 'en');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [bad, setBad] = useState<string[]>([]);
  const [sent, setSent] = useState<string | null>(null);
  const helpId = useId();

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSent(null);
    const parsed = parseRecipients(recipients);
    setBad(parsed.bad);
    if (parsed.bad.length > 0 || parsed.ok.length === 0) return;
    setSending(true);
    try {
      const r = await consoleApi.jump.emailDeployment(d.id, { recipients: parsed.ok, ...(message.trim() ? { message: message.trim() } : {}), language });
      setSent(t('jump.sent', { count: r.sent }));
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="jump-result">
      <h3>{t('jump.resultTitle')}</h3>
      <p>
        {t(platformKey(d.platform))} — {t('jump.resultSummary', { group: d.jumpGroup, date: dateTime(d.expiresAt), installs: d.installs, max: d.maxInstalls })}
      </p>
      <p>
        <a className="button" href={d.downloadUrl} download>
          {t('jump.download')}
        </a>
      </p>
      <label className="jump-link">
        {t('jump.link')}
        <input readOnly value={d.downloadUrl} className="mono" onFocus={(e) => e.target.select()} />
      </label>
      <CopyButton text={d.downloadUrl} label={t('jump.copyLink')} />
      <h3>{t('jump.commands')}</h3>
      <ul className="jump-commands">
        {d.commands.map((c) => {
          const label = t(`jump.command_${c.label}`, { defaultValue: c.label });
          return (
            <li key={c.label}>
              <span className="hint">{label}</span>
              <code className="mono" aria-label={label}>
                {c.command}
              </code>
              <CopyButton text={c.command} label={t('jump.copyLabel', { label })} />
            </li>
          );
        })}
      </ul>
      <h3 id="jump-email-title">{t('jump.emailTitle')}</h3>
      <form className="form" onSubmit={(e) => void send(e)} aria-labelledby="jump-email-title">
        <label>
          {t('jump.recipients')}
          <textarea rows={2} required value={recipients} onChange={(e) => setRecipients(e.target.value)} aria-describedby={helpId} />
        </label>
        <p id={helpId} className="hint">
          {t('jump.recipientsHelp')}
        </p>
        <label>
          {t('jump.message')}
          <textarea rows={2} maxLength={1000} value={message} onChange={(e) => setMessage(e.target.value)} />
        </label>
        <label>
          {t('jump.emailLanguage')}
          <select value={language} onChange={(e) => setLanguage(e.target.value as 'en' | 'fr')}>
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </label>
        {bad.length > 0 && (
          <p role="alert" className="message error">
            {t('jump.badRecipients', { list: bad.join(', ') })}
          </p>
        )}
        <ErrorMessage error={error} />
        <SuccessMessage text={sent} />
        <button type="submit" disabled={sending}>
          {sending ? t('jump.sending') : t('jump.send')}
        </button>
      </form>
      <p>
        <button type="button" className="link" onClick={onAnother}>
          {t('jump.another')}
        </button>
      </p>
    </div>
  );
}
