// REP-5 on the Status page (administrators): whether new sessions are recorded, how many days
// recordings are kept, and the disk they use.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordingsDiskUse } from '../../../../src/protocol/index.ts';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { consoleApi } from '../../console-api.ts';
import { useSite } from '../../stores/site-store.ts';
import './i18n.ts';

const mb = (n: number) => (n / 1e6).toFixed(1);

export function RecordingsSettings() {
  const { t } = useTranslation();
  const settings = useSite((s) => s.status?.settings);
  const updateSettings = useSite((s) => s.updateSettings);
  const [record, setRecord] = useState(false);
  const [days, setDays] = useState('0');
  const [use, setUse] = useState<RecordingsDiskUse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!settings) return;
    setRecord(settings.recordSessions);
    setDays(String(settings.recordingRetentionDays));
  }, [settings]);
  useEffect(() => {
    consoleApi.reports.recordingsDiskUse().then(setUse, setError);
  }, [saved]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await updateSettings({ recordSessions: record, recordingRetentionDays: Number(days) });
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };

  if (!settings) return null;
  return (
    <form onSubmit={submit} className="form card" aria-labelledby="recordings-title">
      <h2 id="recordings-title">{t('reports.recordings.title')}</h2>
      <label className="check">
        <input type="checkbox" checked={record} onChange={(e) => setRecord(e.target.checked)} /> {t('reports.recordings.record')}
      </label>
      <label>
        {t('reports.recordings.retention')}
        <input type="number" min={0} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
      </label>
      {use && <p data-testid="recordings-disk-use">{t('reports.recordings.diskUse', { count: use.count, raw: mb(use.rawBytes), video: mb(use.videoBytes) })}</p>}
      <SuccessMessage text={saved ? t('common.saved') : null} />
      <ErrorMessage error={error} />
      <button type="submit">{t('reports.recordings.save')}</button>
    </form>
  );
}
