// The mass deployment wizard (JMP-1, JMP-4, JMP-7): platform (detected by default), Jump group,
// tag, comments, how long the installer is valid and how many installs it allows; then the
// result: download, command lines to copy, and the link emailed to recipients.
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeploymentView, JumpPlatform } from '../../../../src/protocol/jump.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { useSession } from '../../stores/session-store.ts';
import { DeploymentResult } from './DeploymentResult.tsx';

export const PLATFORMS: JumpPlatform[] = ['linux-x64', 'windows-x64', 'windows-x64-msi'];
const VALIDITY_MINUTES = [60, 1440, 10080, 43200, 525600] as const;

/** JMP-4: the installer for the computer the console runs on, by default. */
export function detectPlatform(userAgent: string = navigator.userAgent): JumpPlatform {
  return /Windows/i.test(userAgent) ? 'windows-x64' : 'linux-x64';
}

export const platformKey = (p: JumpPlatform) => `jump.platform_${p.replace(/-/g, '_')}`;

export function DeploymentWizard() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const detected = detectPlatform();
  const [platform, setPlatform] = useState<JumpPlatform>(detected);
  const [jumpGroup, setJumpGroup] = useState(`user:${(user?.username ?? '').toLowerCase()}`);
  const [tag, setTag] = useState('');
  const [comments, setComments] = useState('');
  const [validMinutes, setValidMinutes] = useState<number>(10080);
  const [maxInstalls, setMaxInstalls] = useState('10');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<DeploymentView | null>(null);
  const ids = { group: useId(), tag: useId(), max: useId() };
  const mayChooseGroup = !!user && (user.permissions.administrator || user.permissions.jumpManageAll);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const d = await consoleApi.jump.createDeployment({
        platform,
        jumpGroup: jumpGroup.trim(),
        ...(tag.trim() ? { tag: tag.trim() } : {}),
        ...(comments.trim() ? { comments: comments.trim() } : {}),
        validMinutes,
        maxInstalls: Number(maxInstalls),
      });
      setResult(d);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="jump-wizard-title" className="card">
      <h2 id="jump-wizard-title">{t('jump.wizardTitle')}</h2>
      {result ? (
        <DeploymentResult deployment={result} onAnother={() => setResult(null)} />
      ) : (
        <>
          <p className="hint">{t('jump.wizardIntro')}</p>
          <form className="form" onSubmit={(e) => void submit(e)} aria-labelledby="jump-wizard-title">
            <label>
              {t('jump.platform')}
              <select value={platform} onChange={(e) => setPlatform(e.target.value as JumpPlatform)}>
                {PLATFORMS.map((p) => (
                  <option key={p} value={p}>
                    {p === detected ? t('jump.platformDetected', { name: t(platformKey(p)) }) : t(platformKey(p))}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('jump.jumpGroup')}
              <input
                value={jumpGroup}
                onChange={(e) => setJumpGroup(e.target.value)}
                readOnly={!mayChooseGroup}
                required
                pattern="user:[A-Za-z0-9][A-Za-z0-9._@\-]{0,63}"
                aria-describedby={ids.group}
              />
            </label>
            <p id={ids.group} className="hint">
              {t('jump.jumpGroupHelp')}
            </p>
            <label>
              {t('jump.tag')}
              <input value={tag} maxLength={64} onChange={(e) => setTag(e.target.value)} aria-describedby={ids.tag} />
            </label>
            <p id={ids.tag} className="hint">
              {t('jump.tagHelp')}
            </p>
            <label>
              {t('jump.comments')}
              <textarea value={comments} maxLength={500} rows={2} onChange={(e) => setComments(e.target.value)} />
            </label>
            <label>
              {t('jump.validity')}
              <select value={validMinutes} onChange={(e) => setValidMinutes(Number(e.target.value))}>
                {VALIDITY_MINUTES.map((m) => (
                  <option key={m} value={m}>
                    {t(`jump.valid_${m}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('jump.maxInstalls')}
              <input type="number" min={1} max={100000} required value={maxInstalls} onChange={(e) => setMaxInstalls(e.target.value)} aria-describedby={ids.max} />
            </label>
            <p id={ids.max} className="hint">
              {t('jump.maxInstallsHelp')}
            </p>
            <ErrorMessage error={error} />
            <button type="submit" disabled={busy}>
              {busy ? t('jump.creating') : t('jump.create')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
