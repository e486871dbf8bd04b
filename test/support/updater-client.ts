// electron-updater's own feed client (GenericProvider, parseUpdateInfo, builder-util-runtime's
// HttpExecutor with its sha512 DigestTransform), run under Node against a test broker: the same
// code the installed console runs, minus Electron's network stack. Pins the broker's certificate.
import type { ClientRequest } from 'node:http';
import { request } from 'node:https';
import { CancellationToken, configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';
import { GenericProvider } from 'electron-updater/out/providers/GenericProvider.js';
import type { AppUpdater } from 'electron-updater';

export class PinnedExecutor extends HttpExecutor<ClientRequest> {
  constructor(private readonly ca: string) {
    super();
  }
  createRequest(options: any, callback: (response: any) => void): ClientRequest {
    return request({ ...options, ca: this.ca }, callback);
  }
  /** As electron-updater's ElectronHttpExecutor.download: verifies options.sha512 while writing. */
  download(url: URL, destination: string, options: Omit<DownloadOptions, 'cancellationToken'>): Promise<string> {
    const cancellationToken = new CancellationToken();
    return cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions: any = { headers: options.headers || undefined, redirect: 'manual' };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(requestOptions, { destination, options: { ...options, cancellationToken }, onCancel, callback: (e) => (e ? reject(e) : resolve(destination)), responseHandler: null }, 0);
    });
  }
}

export function genericProvider(feedUrl: string, ca: string, platform: 'win32' | 'darwin' | 'linux', channel = 'latest') {
  const executor = new PinnedExecutor(ca);
  const updater = { channel: null, isAddNoCacheQuery: false } as unknown as AppUpdater;
  return { executor, provider: new GenericProvider({ provider: 'generic', url: feedUrl, channel }, updater, { executor, platform, isUseMultipleRangeRequest: false } as any) };
}
