// Status (STA-1, STA-3, STA-5..7): time zone, licences, client host name, certificate, version,
// and the logged-in reps. Refreshes itself every few seconds.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { useSession } from '../../stores/session-store.ts';
import { useSite } from '../../stores/site-store.ts';
import { RepsTable } from './RepsTable.tsx';
import { RestartSection } from './RestartSection.tsx';
import { RecordingsSettings } from '../../features/reports/RecordingsSettings.tsx';

const REFRESH_MS = 5_000;

function SettingForm({ label, value, options, onSave }: { label: string; value: string; options?: string[]; onSave(v: string): Promise<void> }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  // A refresh brings the saved value back; keep the field in step unless the user is editing.
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setDraft(value);
  }, [value, editing]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await onSave(draft);
      setEditing(false);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  const change = (v: string) => {
    setEditing(true);
    setSaved(false);
    setDraft(v);
  };
  return (
    <form onSubmit={submit} className="inline-form" aria-label={label}>
      <label>
        {/* The fact's name is already beside the field; this names it for assistive technology. */}
        <span className="sr-only">{label}</span>
        {options ? (
          <select value={draft} onChange={(e) => change(e.target.value)}>
            {options.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        ) : (
          <input value={draft} onChange={(e) => change(e.target.value)} />
        )}
      </label>
      <button type="submit">{t('common.save')}</button>
      <SuccessMessage text={saved ? t('common.saved') : null} />
      <ErrorMessage error={error} />
    </form>
  );
}

export function StatusPage() {
  const { t } = useTranslation();
  const isAdmin = useSession((s) => s.user?.permissions.administrator ?? false);
  const status = useSite((s) => s.status);
  const error = useSite((s) => s.error);
  const refresh = useSite((s) => s.refresh);
  const updateSettings = useSite((s) => s.updateSettings);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    // Our own console connection joins the list as soon as it opens, not at the next tick.
    const off = consoleApi.connection.onState((s) => s === 'OPEN' && void refresh());
    return () => {
      clearInterval(timer);
      off();
    };
  }, [refresh]);

  if (!status) return error ? <ErrorMessage error={error} /> : <p className="loading">{t('common.loading')}</p>;
  const { settings, licences } = status;

  return (
    <section aria-labelledby="status-title" className="panel">
      <h1 id="status-title">{t('status.title')}</h1>
      <ErrorMessage error={error} />
      <dl className="facts">
        <dt>{t('status.timeZone')}</dt>
        <dd>
          {isAdmin ? (
            <SettingForm
              label={t('status.timeZone')}
              value={settings.timeZone}
              options={status.timeZones}
              onSave={(timeZone) => updateSettings({ timeZone })}
            />
          ) : (
            settings.timeZone
          )}
        </dd>
        <dt>{t('status.namedUsers')}</dt>
        <dd>{t('status.licencesInUse', { inUse: licences.namedUsersInUse, allowed: licences.namedUsersAllowed })}</dd>
        <dt>{t('status.jumpClients')}</dt>
        <dd>{t('status.licencesInUse', { inUse: licences.jumpClientsInUse, allowed: licences.jumpClientsAllowed })}</dd>
        <dt>{t('status.clientHostName')}</dt>
        <dd>
          {isAdmin ? (
            <SettingForm
              label={t('status.clientHostName')}
              value={settings.clientHostName}
              onSave={(clientHostName) => updateSettings({ clientHostName })}
            />
          ) : (
            settings.clientHostName
          )}
        </dd>
        <dt>{t('status.fingerprint')}</dt>
        <dd className="mono">{status.certificateFingerprint ?? t('status.noFingerprint')}</dd>
        <dt>{t('status.version')}</dt>
        <dd>{status.version}</dd>
      </dl>
      <RepsTable />
      {isAdmin && <RecordingsSettings />}
      {isAdmin && <RestartSection />}
    </section>
  );
}
