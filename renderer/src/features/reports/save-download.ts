// Report downloads (HTML detail, CSV list). In the web console they are plain links to the API
// (the session cookie goes along, the broker streams the file as an attachment); in the desktop
// console, where the login is a token held by console-core, the text comes through ConsoleApi
// and is saved from a blob.
import type { ReportDownload } from '../../../../src/console-core/reports/reports-area.ts';

/** Same-origin API address for a download, or null where downloads go through ConsoleApi. */
export function directDownloadUrl(path: string): string | null {
  return window.passerelle ? null : `/api/v1${path}`;
}

export function saveDownload(d: ReportDownload): void {
  const url = URL.createObjectURL(new Blob([d.text], { type: d.contentType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = d.filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser the time to start the download before the address goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
