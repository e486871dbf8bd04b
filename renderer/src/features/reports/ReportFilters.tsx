// The REP-2 filter form. Submitting writes the filters into the address; the list follows it.
// An LSID or sequence number stands alone, so filling it disables the other fields.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { emptyForm, formFromParams, paramsFromForm, type ReportForm } from './report-query.ts';
import { useReports } from './reports-store.ts';

export function ReportFilters() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const reps = useReports((s) => s.reps);
  const loadReps = useReports((s) => s.loadReps);
  const [form, setForm] = useState<ReportForm>(() => formFromParams(params));

  useEffect(() => {
    void loadReps();
  }, [loadReps]);
  // Back/forward and shared links change the address: the form shows what is applied.
  useEffect(() => setForm(formFromParams(params)), [params]);

  const set = <K extends keyof ReportForm>(k: K, v: ReportForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const single = form.idOrSeq.trim() !== '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(paramsFromForm(form, params));
  };
  const text = (k: 'customerName' | 'computerName' | 'publicIp' | 'privateIp', label: string) => (
    <label>
      {label}
      <input type="text" value={form[k]} disabled={single} maxLength={255} onChange={(e) => set(k, e.target.value)} />
    </label>
  );

  return (
    <form className="report-filters" onSubmit={submit} aria-labelledby="report-filters-title">
      <h2 id="report-filters-title">{t('reports.filters')}</h2>
      <p className="hint">{t('reports.filtersHelp')}</p>
      <fieldset>
        <legend>{t('reports.idOrSeq')}</legend>
        <label>
          {t('reports.idOrSeq')}
          <input type="text" value={form.idOrSeq} maxLength={64} onChange={(e) => set('idOrSeq', e.target.value)} aria-describedby="id-or-seq-help" />
        </label>
        <p className="hint" id="id-or-seq-help">{t('reports.idOrSeqHelp')}</p>
      </fieldset>
      <fieldset disabled={single}>
        <legend>{t('reports.period')}</legend>
        <label>
          {t('reports.startDate')}
          <input type="date" value={form.from} min="2000-01-01" max="2199-12-31" onChange={(e) => set('from', e.target.value)} />
        </label>
        <div role="radiogroup" aria-label={t('reports.periodBy')} className="radio-row">
          <label>
            <input type="radio" name="periodBy" checked={form.periodBy === 'days'} onChange={() => set('periodBy', 'days')} />
            {t('reports.byDays')}
          </label>
          <label>
            <input type="radio" name="periodBy" checked={form.periodBy === 'end'} onChange={() => set('periodBy', 'end')} />
            {t('reports.byEndDate')}
          </label>
        </div>
        {form.periodBy === 'days' ? (
          <label>
            {t('reports.days')}
            <input type="number" min={1} max={3660} value={form.days} onChange={(e) => set('days', e.target.value)} />
          </label>
        ) : (
          <label>
            {t('reports.endDate')}
            <input type="date" value={form.to} min={form.from || '2000-01-01'} max="2199-12-31" onChange={(e) => set('to', e.target.value)} />
          </label>
        )}
      </fieldset>
      <fieldset disabled={single}>
        <legend>{t('reports.customerFilters')}</legend>
        {text('customerName', t('reports.customerName'))}
        {text('computerName', t('reports.computerName'))}
        {text('publicIp', t('reports.publicIp'))}
        {text('privateIp', t('reports.privateIp'))}
        <p className="hint">{t('reports.startsWith')}</p>
      </fieldset>
      <fieldset disabled={single}>
        <legend>{t('reports.repFilter')}</legend>
        <label>
          {t('reports.repFilter')}
          <select value={form.rep} onChange={(e) => set('rep', e.target.value)}>
            <option value="">{t('reports.repAll')}</option>
            <option value="any">{t('reports.repAny')}</option>
            <option value="none">{t('reports.repNone')}</option>
            {reps.map((r) => (
              <option key={r.userId} value={String(r.userId)}>
                {t('reports.repGiven', { name: `${r.name} (${r.username})` })}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <div className="actions">
        <button type="button" onClick={() => setForm(emptyForm)}>
          {t('reports.reset')}
        </button>
        <button type="submit">
          {t('reports.run')}
        </button>
      </div>
    </form>
  );
}
