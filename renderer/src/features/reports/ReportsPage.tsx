// Reports (REP-1..4), for administrators and users who may view reports (the broker enforces it):
// the filters and the list at reports/?…, a session at reports/:lsid, its transcript at
// reports/:lsid/transcript; presentations (REP-6) at reports/presentations and reports/presentations/:id. Filters live in the address, so a report can be bookmarked.
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes } from 'react-router';
import { PresentationReportDetail, PresentationReportsList } from '../presentation/PresentationReports.tsx';
import './i18n.ts';
import { ReportDetail } from './ReportDetail.tsx';
import { ReportFilters } from './ReportFilters.tsx';
import { ReportsList } from './ReportsList.tsx';
import { RecordingReplay } from './RecordingReplay.tsx';
import './reports.css';

export function ReportsPage() {
  const { t } = useTranslation();
  return (
    <Routes>
      <Route
        index
        element={
          <section aria-labelledby="reports-title" className="panel">
            <h1 id="reports-title">{t('reports.title')}</h1>
            <p>
              <Link to="presentations">{t('presentationReports.link')}</Link>
            </p>
            <ReportFilters />
            <ReportsList />
          </section>
        }
      />
      <Route path="presentations" element={<PresentationReportsList />} />
      <Route path="presentations/:presentationId" element={<PresentationReportDetail />} />
      <Route path=":lsid" element={<ReportDetail />} />
      <Route path=":lsid/transcript" element={<ReportDetail transcriptOnly />} />
      <Route path=":lsid/recording" element={<RecordingReplay />} />
    </Routes>
  );
}
