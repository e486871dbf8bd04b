// The customer client's session (and a Jump Client's): customer-core's CustomerSession, the one
// customer-side session logic the web chat shares, over `ws` with the site's certificate pin.
import { CustomerSession as CoreCustomerSession, type CustomerSessionOptions } from '../../customer-core/index.ts';
import { pinnedSocketFactory } from './pinned-socket.ts';
import { siteFileFetcher, type SiteFileFetcher } from './site-file.ts';

export { clampToolEvent, type CustomerSessionEvents } from '../../customer-core/index.ts';
export { normalisePin } from './pinned-socket.ts';

export interface CustomerClientSessionOptions extends Omit<CustomerSessionOptions, 'createWebSocket'> {
  /** SHA-256 fingerprint of the site's certificate (with or without colons); without it, normal CA checks. */
  pin?: string;
}

export class CustomerSession extends CoreCustomerSession {
  /** GETs a small public file of the site (the chat banner) with the same certificate pin. */
  readonly fetchSiteFile: SiteFileFetcher;

  constructor(o: CustomerClientSessionOptions) {
    super({ ...o, createWebSocket: pinnedSocketFactory(o.pin) });
    this.fetchSiteFile = siteFileFetcher(o.brokerUrl, o.pin);
  }
}
