// The `portal` area of ConsoleApi: the Support Portal page's settings (POR-1, POR-3, POR-4, POR-5).
import { PortalSettings, type UpdatePortalSettingsBody } from '../../protocol/index.ts';
import type { CoreContext } from '../core-context.ts';

export interface PortalApi {
  settings(): Promise<PortalSettings>;
  updateSettings(body: UpdatePortalSettingsBody): Promise<PortalSettings>;
}

export function createPortalArea(ctx: CoreContext): PortalApi {
  return {
    settings: () => ctx.api.request('GET', '/portal/settings', PortalSettings),
    updateSettings: (body) => ctx.api.request('PATCH', '/portal/settings', PortalSettings, body),
  };
}
