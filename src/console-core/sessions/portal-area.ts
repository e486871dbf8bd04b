// The `portal` area of ConsoleApi: the Support Portal page's settings (POR-1, POR-3, POR-4, POR-5),
// chat banners (POR-6, POR-7) and the site's look (POR-8).
import {
  BannerInfo,
  BannersView,
  PortalSettings,
  SiteLook,
  type BannerKind,
  type UpdatePortalSettingsBody,
  type UpdateSiteLookBody,
} from '../../protocol/index.ts';
import type { CoreContext } from '../core-context.ts';

export interface PortalApi {
  settings(): Promise<PortalSettings>;
  updateSettings(body: UpdatePortalSettingsBody): Promise<PortalSettings>;
  banners(): Promise<BannersView>;
  /** The file's bytes as chosen (the broker checks the BMP and says why it refuses one). */
  uploadBanner(kind: BannerKind, file: Uint8Array): Promise<BannerInfo>;
  revertBanner(kind: BannerKind): Promise<BannerInfo>;
  look(): Promise<SiteLook>;
  updateLook(body: UpdateSiteLookBody): Promise<SiteLook>;
  uploadLogo(file: Uint8Array): Promise<SiteLook>;
  resetLook(): Promise<SiteLook>;
}

export function createPortalArea(ctx: CoreContext): PortalApi {
  return {
    settings: () => ctx.api.request('GET', '/portal/settings', PortalSettings),
    updateSettings: (body) => ctx.api.request('PATCH', '/portal/settings', PortalSettings, body),
    banners: () => ctx.api.request('GET', '/portal/banners', BannersView),
    uploadBanner: (kind, file) => ctx.api.upload(`/portal/banners/${kind}`, file, 'image/bmp', BannerInfo),
    revertBanner: (kind) => ctx.api.request('DELETE', `/portal/banners/${kind}`, BannerInfo),
    look: () => ctx.api.request('GET', '/portal/look', SiteLook),
    updateLook: (body) => ctx.api.request('PUT', '/portal/look', SiteLook, body),
    uploadLogo: (file) => ctx.api.upload('/portal/look/logo', file, 'image/png', SiteLook),
    resetLook: () => ctx.api.request('DELETE', '/portal/look', SiteLook),
  };
}
